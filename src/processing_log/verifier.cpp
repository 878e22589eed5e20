#include "tree_check.hpp"

#include <bronpoort/processing_log/verifier.hpp>

#include <map>
#include <set>

namespace bronpoort::processing_log {
namespace {

constexpr int kScanBatch = 2000;

void broken(ChainReport& report, std::int64_t seq, std::string problem, std::string detail) {
  if (!report.ok) return;  // keep the first
  report.ok = false;
  report.first_broken_seq = seq;
  report.problem = std::move(problem);
  report.detail = std::move(detail);
}

ChainReport verify_chain(LogStore& store, const std::string& chain_id,
                         const std::vector<Checkpoint>& checkpoints,
                         const CheckpointVerifier* verifier, const VerifyProgress& progress,
                         ChainTreeCheck* tree) {
  ChainReport report;
  report.chain_id = chain_id;
  // The hash each signed checkpoint vouches for, by seq, so records are checked in one pass.
  std::map<std::int64_t, const Checkpoint*> signed_heads;
  for (const auto& cp : checkpoints) {
    if (!verifier || !verifier->verify(cp)) {
      broken(report, cp.seq, "bad-checkpoint-signature",
             "checkpoint at seq " + std::to_string(cp.seq) +
                 (verifier ? " has an invalid signature" : " cannot be checked: no public key"));
      continue;
    }
    signed_heads[cp.seq] = &cp;
  }
  ChainReport chain;  // findings in the records themselves
  chain.ok = true;
  std::int64_t expected = 1;
  std::string prev = genesis_hash();
  for (;;) {
    auto rows = store.chain_records(chain_id, expected, kScanBatch);
    if (rows.empty()) break;
    for (const auto& r : rows) {
      if (r.seq != expected) {
        broken(chain, expected, "gap", "record " + std::to_string(expected) + " is missing");
        break;
      }
      if (r.prev_hash != prev) {
        broken(chain, r.seq, "chain-broken",
               "record " + std::to_string(r.seq) + " does not follow its predecessor");
        break;
      }
      const std::string canonical = r.canonical_bytes();
      std::string h = chain_hash(r.prev_hash, canonical);
      if (h != r.hash) {
        broken(chain, r.seq, "hash-mismatch",
               "record " + std::to_string(r.seq) + " was altered after it was written");
        break;
      }
      if (auto it = signed_heads.find(r.seq); it != signed_heads.end()) {
        if (it->second->head_hash != h) {
          broken(chain, r.seq, "checkpoint-mismatch",
                 "record " + std::to_string(r.seq) + " differs from its signed checkpoint");
          break;
        }
        ++report.checkpoints;
      }
      if (tree) tree->add(canonical);
      prev = h;
      ++expected;
      ++chain.records;
    }
    if (!chain.ok) break;
    if (progress) progress(chain_id, chain.records);
  }
  report.records = chain.records;
  report.head_seq = expected - 1;
  if (chain.ok && !signed_heads.empty() && signed_heads.rbegin()->first > report.head_seq) {
    broken(chain, report.head_seq + 1, "truncated",
           "records after " + std::to_string(report.head_seq) +
               " are missing; a checkpoint signed seq " +
               std::to_string(signed_heads.rbegin()->first));
  }
  // A broken record is reported before a bad checkpoint further on; whichever seq is lower wins.
  if (!chain.ok && (report.ok || *chain.first_broken_seq <= *report.first_broken_seq)) {
    report.ok = false;
    report.first_broken_seq = chain.first_broken_seq;
    report.problem = chain.problem;
    report.detail = chain.detail;
  }
  if (tree) tree->finish(report);
  return report;
}

}  // namespace

VerifyReport verify_log(LogStore& store, const CheckpointVerifier* verifier,
                        const VerifyProgress& progress) {
  return verify_log(store, verifier, nullptr, progress);
}

VerifyReport verify_log(LogStore& store, const CheckpointVerifier* verifier,
                        const TreeVerification* tree, const VerifyProgress& progress) {
  VerifyReport report;
  std::map<std::string, std::vector<TreeHead>> heads;
  if (tree) {
    for (auto& h : store.tree_heads("")) heads[h.chain_id].push_back(std::move(h));
  }
  auto all_checkpoints = store.checkpoints("");
  std::map<std::string, std::vector<Checkpoint>> by_chain;
  for (auto& cp : all_checkpoints) by_chain[cp.chain_id].push_back(cp);
  std::set<std::string> chains;
  for (auto& id : store.chain_ids()) chains.insert(id);
  // A chain whose every record was deleted still has its checkpoints: that is a truncation too.
  for (auto& [id, cps] : by_chain) chains.insert(id);
  for (auto& [id, list] : heads) chains.insert(id);
  if (tree) {
    for (auto& [id, list] : tree->witnessed) chains.insert(id);
  }
  for (const auto& id : chains) {
    std::optional<ChainTreeCheck> check;
    if (tree) check.emplace(id, heads[id], *tree);
    report.chains.push_back(
        verify_chain(store, id, by_chain[id], verifier, progress, check ? &*check : nullptr));
    if (!report.chains.back().ok) report.ok = false;
  }
  return report;
}

nlohmann::json VerifyReport::to_json() const {
  nlohmann::json j = {{"ok", ok}, {"chains", nlohmann::json::array()}};
  for (const auto& c : chains) {
    nlohmann::json cj = {{"chainId", c.chain_id},
                         {"ok", c.ok},
                         {"records", c.records},
                         {"headSeq", c.head_seq},
                         {"checkpointsVerified", c.checkpoints}};
    if (c.first_broken_seq) {
      cj["firstBrokenSeq"] = *c.first_broken_seq;
      cj["problem"] = c.problem;
      cj["detail"] = c.detail;
    }
    j["chains"].push_back(cj);
  }
  return j;
}

}  // namespace bronpoort::processing_log
