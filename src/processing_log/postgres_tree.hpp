#pragma once
// The Merkle tree's tables in the PostgreSQL store (migration 2), used inside the store's own
// transactions so that a commit's tree nodes land with its records.

#include <bronpoort/processing_log/log_store.hpp>

#include <pqxx/pqxx>

namespace bronpoort::processing_log::postgres {

void insert_tree(pqxx::work& txn, const TreeAppend& tree);
// The INSERT of a tree's new nodes (none stored twice), its kTreeNodeParams parameters numbered
// from $first, for a statement of the caller's; tree_nodes_params appends their values (binary).
inline constexpr std::size_t kTreeNodeParams = 4;
std::string tree_nodes_sql(std::size_t first);
void tree_nodes_params(const TreeAppend& tree, std::vector<pqxx::binarystring>& params);
std::vector<merkle::StoredNode> read_tree_nodes(pqxx::work& txn, const std::string& chain_id,
                                                const std::vector<merkle::NodeId>& ids);
std::int64_t count_tree_nodes(pqxx::work& txn, const std::string& chain_id);
std::vector<TreeHead> read_tree_heads(pqxx::work& txn, const std::string& chain_id);
std::optional<TreeHead> read_latest_tree_head(pqxx::work& txn, const std::string& chain_id);

}  // namespace bronpoort::processing_log::postgres
