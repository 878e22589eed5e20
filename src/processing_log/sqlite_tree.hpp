#pragma once
// The Merkle tree's tables in the SQLite store: complete subtrees and signed tree heads, written
// in the same transaction as the records they cover.

#include "sqlite_db.hpp"

#include <bronpoort/processing_log/log_store.hpp>

namespace bronpoort::processing_log::sqlite {

// The tree's inserts on the indexer's connection, inside the caller's transaction, with
// statements kept from one transaction to the next (kept()).
class TreeWriter {
 public:
  explicit TreeWriter(Db& writer) : writer_(writer) {}
  void insert(const TreeAppend& tree);

 private:
  Db& writer_;
  std::unique_ptr<Statement> node_;
  std::unique_ptr<Statement> head_;
};

std::vector<merkle::StoredNode> read_tree_nodes(Db& db, const std::string& chain_id,
                                                const std::vector<merkle::NodeId>& ids);
std::int64_t count_tree_nodes(Db& db, const std::string& chain_id);
std::vector<TreeHead> read_tree_heads(Db& db, const std::string& chain_id);
std::optional<TreeHead> read_latest_tree_head(Db& db, const std::string& chain_id);

}  // namespace bronpoort::processing_log::sqlite
