#pragma once
// Proofs over a stored chain's Merkle tree, as the proof API serves them and verify-receipt
// reads them back: an inclusion proof for one record against a tree size, a consistency proof
// between two tree sizes, and receipts (what a response that released data says about its log
// records). Proof makers read the store and may throw StoreError.

#include <bronpoort/processing_log/log_store.hpp>
#include <bronpoort/processing_log/merkle.hpp>

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace bronpoort::processing_log {

// Record `seq` (counted from 1) is leaf seq - 1 of its chain's tree.
inline std::uint64_t leaf_index(std::int64_t seq) {
  return static_cast<std::uint64_t>(seq - 1);
}

struct InclusionProof {
  std::string chain_id;
  std::int64_t seq = 0;  // the record; its leaf index is seq - 1
  std::uint64_t tree_size = 0;
  merkle::Hash leaf_hash{};
  merkle::Hash root_hash{};  // as the store computes it; check it against a signed checkpoint
  std::vector<merkle::Hash> path;

  nlohmann::json to_json() const;
  static std::optional<InclusionProof> from_json(const nlohmann::json& j);
  // Whether the path leads from the leaf to `root` at tree_size (RFC 9162 2.1.3.2).
  bool verifies(const merkle::Hash& root) const;
};

struct ConsistencyProof {
  std::string chain_id;
  std::uint64_t first_size = 0;
  std::uint64_t second_size = 0;
  merkle::Hash first_root{};
  merkle::Hash second_root{};
  std::vector<merkle::Hash> path;

  nlohmann::json to_json() const;
};

// Why a proof could not be made, for the API's problem detail.
struct ProofRefusal {
  int status = 400;
  std::string code;
  std::string detail;
};

std::optional<InclusionProof> make_inclusion_proof(LogStore& store, const std::string& chain_id,
                                                   std::int64_t seq, std::uint64_t tree_size,
                                                   ProofRefusal& refusal);
std::optional<ConsistencyProof> make_consistency_proof(LogStore& store, const std::string& chain_id,
                                                       std::uint64_t first, std::uint64_t second,
                                                       ProofRefusal& refusal);
// The root of the chain's first `size` records, from the store's tree; nullopt when damaged.
std::optional<merkle::Hash> stored_root(LogStore& store, const std::string& chain_id,
                                        std::uint64_t size);

// One record named by a receipt.
struct ReceiptEntry {
  std::string chain_id;
  std::int64_t seq = 0;
  merkle::Hash leaf_hash{};
};

// The Processing-Log-Receipt header: "chain=<id>;seq=<n>;leaf=<hex>" per record, comma-separated.
inline constexpr const char* kReceiptHeader = "Processing-Log-Receipt";
std::string format_receipt(const std::vector<ReceiptEntry>& entries);
// The same for consecutive records of one chain, from `first_seq` on (what one request logged).
std::string format_receipt(const std::string& chain_id, std::int64_t first_seq,
                           const std::vector<merkle::Hash>& leaf_hashes);
std::optional<std::vector<ReceiptEntry>> parse_receipt(const std::string& header);

}  // namespace bronpoort::processing_log
