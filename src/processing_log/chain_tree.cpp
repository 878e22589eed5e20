#include "chain_tree.hpp"

#include <bronpoort/common/log.hpp>

namespace bronpoort::processing_log {
namespace {

constexpr std::uint64_t kBlock = std::uint64_t{1} << kMinStoredLevel;
constexpr int kScanBatch = 2000;

}  // namespace

void ChainTree::load(LogStore& store, std::int64_t size) {
  const auto n = static_cast<std::uint64_t>(size);
  pending_.chain_id = chain_id_;
  pending_.heads.clear();
  if (!loaded_ && before_ && before_->size() == n) {
    // The failed batch did not land: back to where it started, keeping nodes still unstored.
    frontier_ = *before_;
    pending_.nodes = before_nodes_;
    loaded_ = true;
    return;
  }
  if (!loaded_ && after_ && after_->size() == n) {
    // It landed after all (a commit reported in doubt): its nodes are stored with it.
    frontier_ = *after_;
    pending_.nodes.clear();
    loaded_ = true;
    return;
  }
  loaded_ = false;
  committed();
  // Nodes a tree of this size has at the stored levels; fewer means the tree is not (all) there.
  std::int64_t expected = 0;
  for (int level = kMinStoredLevel; level < 64; ++level) {
    expected += static_cast<std::int64_t>(n >> level);
  }
  if (store.tree_node_count(chain_id_) < expected) {
    rebuild(store, size);
    return;
  }
  const std::uint64_t aligned = n - n % kBlock;
  auto ids = merkle::frontier_nodes(aligned);
  auto stored = store.tree_nodes(chain_id_, ids);
  if (stored.size() != ids.size()) {
    rebuild(store, size);
    return;
  }
  std::vector<merkle::Hash> roots;
  for (const auto& id : ids) {
    for (const auto& s : stored) {
      if (s.id == id) roots.push_back(s.hash);
    }
  }
  frontier_ = merkle::MerkleFrontier(aligned, std::move(roots));
  // The last partial block is recomputed from its records.
  if (n > aligned) {
    auto rows = store.chain_records(chain_id_, static_cast<std::int64_t>(aligned) + 1,
                                    static_cast<int>(n - aligned));
    for (const auto& r : rows) {
      if (static_cast<std::uint64_t>(r.seq) != frontier_.size() + 1) break;
      frontier_.append(merkle::leaf_hash(r.canonical_bytes()), &pending_.nodes, kMinStoredLevel);
    }
    if (frontier_.size() != n) throw StoreError("records missing at the end of " + chain_id_);
  }
  loaded_ = true;
}

void ChainTree::rebuild(LogStore& store, std::int64_t size) {
  // The first start after migration 2 (or nodes lost): one pass over the chain. Records are taken
  // as they are; verify-log still checks their hash chain and reports damage.
  common::log_event(common::Level::Info, "log-tree-building",
                    {{"chainId", chain_id_}, {"records", size}});
  frontier_ = merkle::MerkleFrontier();
  std::vector<merkle::StoredNode> nodes;
  while (frontier_.size() < static_cast<std::uint64_t>(size)) {
    auto rows =
        store.chain_records(chain_id_, static_cast<std::int64_t>(frontier_.size()) + 1, kScanBatch);
    if (rows.empty()) break;
    for (const auto& r : rows) {
      if (static_cast<std::uint64_t>(r.seq) != frontier_.size() + 1 || r.seq > size) break;
      frontier_.append(merkle::leaf_hash(r.canonical_bytes()), &nodes, kMinStoredLevel);
    }
    if (static_cast<std::uint64_t>(rows.back().seq) != frontier_.size()) break;
  }
  if (frontier_.size() != static_cast<std::uint64_t>(size)) {
    throw StoreError("chain " + chain_id_ + " has a gap before record " +
                     std::to_string(frontier_.size() + 1) + "; run verify-log");
  }
  pending_.nodes = std::move(nodes);
  loaded_ = true;
}

merkle::Hash ChainTree::append(std::string_view canonical) {
  auto leaf = merkle::leaf_hash(canonical);
  frontier_.append(leaf, &pending_.nodes, kMinStoredLevel);
  return leaf;
}

std::optional<LogRecord> StoredTree::record(std::int64_t seq) {
  auto rows = store_.chain_records(chain_id_, seq, 1);
  if (rows.empty() || rows.front().seq != seq) return std::nullopt;
  return rows.front();
}

std::optional<merkle::Hash> StoredTree::leaf(std::uint64_t index) {
  std::uint64_t block = index / kBlock;
  if (!blocks_read_[block]) {
    blocks_read_[block] = true;
    auto rows = store_.chain_records(chain_id_, static_cast<std::int64_t>(block * kBlock) + 1,
                                     static_cast<int>(kBlock));
    for (const auto& r : rows) {
      std::uint64_t i = leaf_index(r.seq);
      if (i / kBlock != block) break;
      leaves_[i] = merkle::leaf_hash(r.canonical_bytes());
    }
  }
  auto it = leaves_.find(index);
  if (it == leaves_.end()) return std::nullopt;
  return it->second;
}

std::optional<merkle::Hash> StoredTree::subtree(const merkle::NodeId& id) {
  if (auto it = nodes_.find(id); it != nodes_.end()) return it->second;
  std::optional<merkle::Hash> out;
  if (id.level == 0) {
    out = leaf(id.index);
  } else {
    if (id.level >= kMinStoredLevel) {
      auto stored = store_.tree_nodes(chain_id_, {id});
      if (!stored.empty()) out = stored.front().hash;
    }
    if (!out) {
      auto left = subtree({id.level - 1, id.index * 2});
      auto right = left ? subtree({id.level - 1, id.index * 2 + 1}) : std::nullopt;
      if (left && right) out = merkle::node_hash(*left, *right);
    }
  }
  nodes_[id] = out;
  return out;
}

}  // namespace bronpoort::processing_log
