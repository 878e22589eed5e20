#pragma once
// A chain's Merkle tree as the writer keeps it (ChainTree) and as proofs read it (StoredTree).
// Only complete subtrees of 16 leaves or more are stored — about one row per eight records, in the
// commit's own transaction; smaller ones are recomputed from at most 16 records when needed.

#include <bronpoort/processing_log/log_proofs.hpp>
#include <bronpoort/processing_log/log_store.hpp>
#include <bronpoort/processing_log/merkle.hpp>

#include <map>
#include <optional>
#include <string>

namespace bronpoort::processing_log {

inline constexpr int kMinStoredLevel = 4;

class ChainTree {
 public:
  explicit ChainTree(std::string chain_id) : chain_id_(std::move(chain_id)) {}

  // Reads the right edge of the tree over the chain's first `size` records. When stored nodes are
  // missing (a log written before the tree existed, migration 2), the tree is recomputed from the
  // records and the missing nodes wait in pending() for the next commit. Throws StoreError.
  void load(LogStore& store, std::int64_t size);
  bool loaded() const { return loaded_; }

  // Adds a record by its canonical bytes; returns its leaf hash.
  merkle::Hash append(std::string_view canonical);

  // Nodes completed since the last commit (and those a migration found missing).
  TreeAppend& pending() { return pending_; }
  void committed() {
    pending_.nodes.clear();
    pending_.heads.clear();
  }
  // Before a batch is added: remember the tree, so that after a failed commit load() can go on
  // from here (or from the batch's end, if the commit landed after all) without reading the store.
  void begin_batch() {
    before_ = frontier_;
    before_nodes_ = pending_.nodes;
  }
  // After a failed commit: the store decides, at the next load(), where the tree stands.
  void forget() {
    loaded_ = false;
    after_ = frontier_;
  }

  std::uint64_t size() const { return frontier_.size(); }
  merkle::Hash root() const { return frontier_.root(); }

 private:
  void rebuild(LogStore& store, std::int64_t size);

  std::string chain_id_;
  bool loaded_ = false;
  merkle::MerkleFrontier frontier_;
  TreeAppend pending_;
  std::optional<merkle::MerkleFrontier> before_;
  std::vector<merkle::StoredNode> before_nodes_;
  std::optional<merkle::MerkleFrontier> after_;
};

// Complete subtrees of a stored chain, for proofs: stored nodes, or recomputed from the records
// (whose leaf hashes come from their canonical bytes). A missing record makes the subtrees over it
// unavailable, so no proof is made over a damaged range.
class StoredTree {
 public:
  StoredTree(LogStore& store, std::string chain_id)
      : store_(store), chain_id_(std::move(chain_id)) {}
  std::optional<merkle::Hash> subtree(const merkle::NodeId& id);
  std::optional<merkle::Hash> leaf(std::uint64_t index);
  // The record at `seq`, if stored.
  std::optional<LogRecord> record(std::int64_t seq);
  merkle::SubtreeSource source() {
    return [this](const merkle::NodeId& id) { return subtree(id); };
  }

 private:
  LogStore& store_;
  std::string chain_id_;
  std::map<std::uint64_t, merkle::Hash> leaves_;  // by leaf index, per 16-leaf block read
  std::map<std::uint64_t, bool> blocks_read_;
  std::map<merkle::NodeId, std::optional<merkle::Hash>> nodes_;
};

}  // namespace bronpoort::processing_log
