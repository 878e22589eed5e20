#pragma once
// The Merkle part of verify-log for one chain: fed each record's canonical bytes in order, it
// recomputes the tree and compares its roots with the stored tree heads and the witnessed
// checkpoints (include/bronpoort/processing_log/tree_verification.hpp).

#include <bronpoort/processing_log/log_store.hpp>
#include <bronpoort/processing_log/tree_verification.hpp>
#include <bronpoort/processing_log/verifier.hpp>

#include <map>
#include <set>

namespace bronpoort::processing_log {

class ChainTreeCheck {
 public:
  ChainTreeCheck(std::string chain_id, std::vector<TreeHead> heads, const TreeVerification& how);
  void add(const std::string& canonical);
  // After the last good record; reports the first problem found (lowest record number).
  void finish(ChainReport& report);

 private:
  std::string chain_id_;
  std::vector<TreeHead> heads_;
  const TreeVerification& how_;
  merkle::MerkleFrontier frontier_;
  std::set<std::uint64_t> wanted_;
  std::map<std::uint64_t, merkle::Hash> roots_;
};

}  // namespace bronpoort::processing_log
