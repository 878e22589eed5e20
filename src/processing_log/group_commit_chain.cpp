// The writer's chain state: the head it continues, signed checkpoints and tree heads, and the
// work it does without traffic. Only the writer thread runs this.
#include "group_commit_impl.hpp"

namespace bronpoort::processing_log {

using writer::now_us;

bool GroupCommitWriter::Impl::load_head() {
  try {
    auto head = store->chain_head(options.chain_id);
    head_seq = head ? head->seq : 0;
    head_hash = head ? head->hash : genesis_hash();
    last_checkpoint_seq = head ? head->last_checkpoint_seq : 0;
    tree->load(*store, head_seq);
    if (!tree->pending().nodes.empty()) tree_head_due = true;
    head_known = true;
    return true;
  } catch (const std::exception& e) {
    common::log_event(common::Level::Warn, "log-chain-head-unreadable",
                      {{"chainId", options.chain_id}, {"error", e.what()}});
    return false;
  }
}

std::vector<Checkpoint> GroupCommitWriter::Impl::due_checkpoints(std::int64_t seq,
                                                                 const std::string& hash, bool idle,
                                                                 bool force) {
  if (!signer) return {};
  if (tree_head_due && seq > 0) add_tree_head(seq);
  if (seq <= last_checkpoint_seq) return {};
  bool by_count = seq - last_checkpoint_seq >= options.checkpoint_every_records;
  bool by_time = Clock::now() - last_checkpoint_time >= options.checkpoint_every;
  if (!force && !by_count && !by_time) return {};
  if (!force && idle && !by_time) return {};
  Checkpoint cp{options.chain_id, seq, hash, now_us(), {}, {}};
  signer->sign(cp);
  add_tree_head(seq);
  return {cp};
}

void GroupCommitWriter::Impl::add_tree_head(std::int64_t seq) {
  tree_head_due = false;
  auto& heads = tree->pending().heads;
  if (!options.note_signer || tree->size() != static_cast<std::uint64_t>(seq)) return;
  if (!heads.empty() && heads.back().tree_size == seq) return;
  TreeCheckpoint checkpoint{options.origin, tree->size(), tree->root()};
  SignedNote note{checkpoint.text(), {options.note_signer->sign(checkpoint.text())}};
  heads.push_back(
      {options.chain_id, seq, merkle::to_hex(checkpoint.root), now_us(), note.to_string()});
}

bool GroupCommitWriter::Impl::store_tree(const std::vector<Checkpoint>& checkpoints) {
  if (checkpoints.empty() && tree->pending().empty()) return true;
  try {
    store->append_with_tree({}, checkpoints, tree->pending());
  } catch (const std::exception& e) {
    head_known = false;
    healthy = false;
    common::log_event(common::Level::Error, "log-checkpoint-failed", {{"error", e.what()}});
    return false;
  }
  announce_heads();
  if (!checkpoints.empty()) {
    last_checkpoint_seq = head_seq;
    last_checkpoint_time = Clock::now();
    std::lock_guard lock(stats_mutex);
    stats.checkpoints += 1;
  }
  return true;
}

void GroupCommitWriter::Impl::announce_heads() {
  if (options.on_tree_head) {
    for (const auto& h : tree->pending().heads) options.on_tree_head(h);
  }
  tree->committed();
}

void GroupCommitWriter::Impl::final_checkpoint() {
  if (!head_known || !healthy || head_seq <= last_checkpoint_seq) return;
  store_tree(due_checkpoints(head_seq, head_hash, true, true));
}

void GroupCommitWriter::Impl::idle_work() {
  if (!head_known || !healthy) {
    if (Clock::now() - last_probe < options.retry_interval) return;
    last_probe = Clock::now();
    if (load_head() && store->ping()) healthy = true;
    return;
  }
  store_tree(due_checkpoints(head_seq, head_hash, true));
}

}  // namespace bronpoort::processing_log
