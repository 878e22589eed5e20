#include "postgres_tree.hpp"

#include "postgres_rows.hpp"

namespace bronpoort::processing_log::postgres {
namespace {

constexpr const char* kTreeHeadColumns =
    "SELECT chain_id, tree_size, root_hash, signed_at_us, note FROM log_tree_heads ";

TreeHead tree_head_row(const pqxx::row& r) {
  return {r[0].as<std::string>(), r[1].as<std::int64_t>(), r[2].as<std::string>(),
          r[3].as<std::int64_t>(), r[4].as<std::string>()};
}

}  // namespace

void tree_nodes_params(const TreeAppend& tree, std::vector<pqxx::binarystring>& params) {
  BinaryArray levels(BinaryArray::kInt4), indexes(BinaryArray::kInt8), hashes(BinaryArray::kText);
  for (const auto& n : tree.nodes) {
    levels.add_int4(n.id.level);
    indexes.add_int8(static_cast<std::int64_t>(n.id.index));
    hashes.add_text(merkle::to_hex(n.hash));
  }
  params.push_back(binary_text(tree.chain_id));
  params.push_back(levels.param());
  params.push_back(indexes.param());
  params.push_back(hashes.param());
}

std::string tree_nodes_sql(std::size_t first) {
  // Arrays unnested on the server: one statement however many nodes.
  auto p = [first](std::size_t k) { return "$" + std::to_string(first + k); };
  return "INSERT INTO log_tree_nodes (chain_id, level, idx, hash) SELECT " + p(0) +
         "::text, unnest(" + p(1) + "::int[]), unnest(" + p(2) + "::bigint[]), unnest(" + p(3) +
         "::text[]) ON CONFLICT DO NOTHING";
}

void insert_tree(pqxx::work& txn, const TreeAppend& tree) {
  if (!tree.nodes.empty()) {
    std::vector<pqxx::binarystring> params;
    tree_nodes_params(tree, params);
    txn.exec_params(tree_nodes_sql(1), pqxx::prepare::make_dynamic_params(params));
  }
  for (const auto& h : tree.heads) {
    txn.exec_params(
        "INSERT INTO log_tree_heads (chain_id, tree_size, root_hash, signed_at_us, note) "
        "VALUES ($1, $2, $3, $4, $5)",
        h.chain_id, h.tree_size, h.root_hash, h.signed_at_us, h.note);
  }
}

std::vector<merkle::StoredNode> read_tree_nodes(pqxx::work& txn, const std::string& chain_id,
                                                const std::vector<merkle::NodeId>& ids) {
  std::vector<merkle::StoredNode> out;
  if (ids.empty()) return out;
  std::string levels = "{", indexes = "{";
  for (std::size_t i = 0; i < ids.size(); ++i) {
    const char* sep = i == 0 ? "" : ",";
    levels += sep + std::to_string(ids[i].level);
    indexes += sep + std::to_string(ids[i].index);
  }
  levels += "}";
  indexes += "}";
  auto r = txn.exec_params(
      "SELECT n.level, n.idx, n.hash FROM log_tree_nodes n "
      "JOIN unnest($2::int[], $3::bigint[]) AS w(l, i) ON n.level = w.l AND n.idx = w.i "
      "WHERE n.chain_id = $1",
      chain_id, levels, indexes);
  for (const auto& row : r) {
    auto h = merkle::from_hex(row[2].as<std::string>());
    if (!h) continue;
    out.push_back({{row[0].as<int>(), row[1].as<std::uint64_t>()}, *h});
  }
  return out;
}

std::int64_t count_tree_nodes(pqxx::work& txn, const std::string& chain_id) {
  return txn.exec_params("SELECT COUNT(*) FROM log_tree_nodes WHERE chain_id = $1", chain_id)[0][0]
      .as<std::int64_t>();
}

std::vector<TreeHead> read_tree_heads(pqxx::work& txn, const std::string& chain_id) {
  return rows_for_chain(
      txn,
      std::string(kTreeHeadColumns) + "WHERE $1 = '' OR chain_id = $1 ORDER BY chain_id, tree_size",
      chain_id, tree_head_row);
}

std::optional<TreeHead> read_latest_tree_head(pqxx::work& txn, const std::string& chain_id) {
  auto heads = rows_for_chain(
      txn, std::string(kTreeHeadColumns) + "WHERE chain_id = $1 ORDER BY tree_size DESC LIMIT 1",
      chain_id, tree_head_row);
  if (heads.empty()) return std::nullopt;
  return heads.front();
}

}  // namespace bronpoort::processing_log::postgres
