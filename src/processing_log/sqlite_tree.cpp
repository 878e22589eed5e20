#include "sqlite_tree.hpp"

namespace bronpoort::processing_log::sqlite {
namespace {

constexpr const char* kTreeHeadColumns =
    "SELECT chain_id, tree_size, root_hash, signed_at_us, note FROM log_tree_heads ";

TreeHead tree_head_row(Statement& st) {
  return {st.text(0), st.integer(1), st.text(2), st.integer(3), st.text(4)};
}

}  // namespace

void TreeWriter::insert(const TreeAppend& tree) {
  if (!tree.nodes.empty()) {
    Statement& st = kept(writer_, node_,
                         "INSERT OR IGNORE INTO log_tree_nodes (chain_id, level, idx, hash) "
                         "VALUES (?1, ?2, ?3, ?4)");
    for (const auto& n : tree.nodes) {
      st.reset();
      st.bind_text(1, tree.chain_id, false);
      st.bind_int(2, static_cast<std::int64_t>(n.id.level));
      st.bind_int(3, static_cast<std::int64_t>(n.id.index));
      st.bind_text(4, merkle::to_hex(n.hash));
      run(st);
    }
  }
  if (!tree.heads.empty()) {
    Statement& st =
        kept(writer_, head_,
             "INSERT INTO log_tree_heads (chain_id, tree_size, root_hash, signed_at_us, note) "
             "VALUES (?1, ?2, ?3, ?4, ?5)");
    for (const auto& h : tree.heads) {
      st.reset();
      st.arg(h.chain_id).arg(h.tree_size).arg(h.root_hash).arg(h.signed_at_us).arg(h.note);
      run(st);
    }
  }
}

std::vector<merkle::StoredNode> read_tree_nodes(Db& db, const std::string& chain_id,
                                                const std::vector<merkle::NodeId>& ids) {
  std::vector<merkle::StoredNode> out;
  Statement st(db,
               "SELECT hash FROM log_tree_nodes WHERE chain_id = ?1 AND level = ?2 AND idx = ?3");
  for (const auto& id : ids) {
    st.reset();
    st.arg(chain_id)
        .arg(static_cast<std::int64_t>(id.level))
        .arg(static_cast<std::int64_t>(id.index));
    if (!st.step()) continue;
    if (auto h = merkle::from_hex(st.text(0))) out.push_back({id, *h});
  }
  return out;
}

std::int64_t count_tree_nodes(Db& db, const std::string& chain_id) {
  Statement st(db, "SELECT COUNT(*) FROM log_tree_nodes WHERE chain_id = ?1");
  st.arg(chain_id);
  st.step();
  return st.integer(0);
}

std::vector<TreeHead> read_tree_heads(Db& db, const std::string& chain_id) {
  return rows_for_chain(
      db,
      std::string(kTreeHeadColumns) + "WHERE ?1 = '' OR chain_id = ?1 ORDER BY chain_id, tree_size",
      chain_id, tree_head_row);
}

std::optional<TreeHead> read_latest_tree_head(Db& db, const std::string& chain_id) {
  auto heads = rows_for_chain(
      db, std::string(kTreeHeadColumns) + "WHERE chain_id = ?1 ORDER BY tree_size DESC LIMIT 1",
      chain_id, tree_head_row);
  if (heads.empty()) return std::nullopt;
  return heads.front();
}

}  // namespace bronpoort::processing_log::sqlite
