#pragma once
// Recomputes every chain of the log and checks the checkpoint signatures. The result names, per
// chain, the first sequence number that is not what an untouched log would hold: an altered record
// (hash mismatch), a gap (deleted record), a reordering (prev_hash mismatch), or a truncation after
// a signed checkpoint.

#include <bronpoort/processing_log/checkpoint.hpp>
#include <bronpoort/processing_log/log_store.hpp>
#include <bronpoort/processing_log/tree_verification.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace bronpoort::processing_log {

struct ChainReport {
  std::string chain_id;
  bool ok = true;
  std::int64_t records = 0;  // records checked
  std::int64_t head_seq = 0;
  std::int64_t checkpoints = 0;  // checkpoints whose signature and hash matched
  std::optional<std::int64_t> first_broken_seq;
  std::string problem;  // "hash-mismatch", "gap", "chain-broken", "truncated", "fork", ...
  std::string detail;
};

struct VerifyReport {
  bool ok = true;
  std::vector<ChainReport> chains;
  nlohmann::json to_json() const;
};

// Called now and then with (chain id, records checked so far in that chain).
using VerifyProgress = std::function<void(const std::string&, std::int64_t)>;

// `verifier` may be null: then checkpoint signatures are reported as unchecked (not ok).
// Throws StoreError when the store cannot be read.
VerifyReport verify_log(LogStore& store, const CheckpointVerifier* verifier,
                        const VerifyProgress& progress = {});
// Also recomputes each chain's Merkle tree and checks it against the stored signed tree heads
// and `tree->witnessed` checkpoints: "truncated", "rolled-back", "fork", "tree-head-mismatch",
// "bad-tree-head-signature", "witness-unreachable".
VerifyReport verify_log(LogStore& store, const CheckpointVerifier* verifier,
                        const TreeVerification* tree, const VerifyProgress& progress = {});

}  // namespace bronpoort::processing_log
