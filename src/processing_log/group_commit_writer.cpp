#include "chain_tree.hpp"

#include <bronpoort/common/log.hpp>
#include <bronpoort/core/thread_name.hpp>
#include <bronpoort/processing_log/canonical.hpp>
#include <bronpoort/processing_log/group_commit_writer.hpp>

#include "storable_text.hpp"

#include <atomic>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <thread>

namespace bronpoort::processing_log {
namespace {

using Clock = std::chrono::steady_clock;

constexpr auto kDeadlineSlack = std::chrono::milliseconds(10);

std::int64_t now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// One append call. While it waits in the queue its deadline may expire it (503, nothing written).
// Once the writer has taken it into a batch, only that batch's outcome answers it: a deadline
// that fires while the batch is being written must not answer 503 for records that then commit
// as a release.
struct Pending {
  enum State { kQueued, kTaken, kExpired };

  std::vector<LogRecord> records;
  // Serialised on the appending thread, so the writer only splices in the chain values.
  std::vector<CanonicalTemplate> templates;
  std::vector<merkle::Hash> leaves;  // filled by the writer, for receipts
  AppendCallback done;
  Clock::time_point deadline;
  std::atomic<int> state{kQueued};
  std::atomic<bool> finished{false};

  // The writer takes it for a commit; false when its deadline expired it first.
  bool take() {
    int expected = kQueued;
    return state.compare_exchange_strong(expected, kTaken);
  }
  // The deadline expires it; false when a commit has already taken it.
  bool expire() {
    int expected = kQueued;
    return state.compare_exchange_strong(expected, kExpired);
  }

  void complete(const AppendResult& result) {
    if (finished.exchange(true)) return;
    // Drop the callback (and what it holds of the request) as soon as it has run, not when the
    // last reference to this entry goes.
    AppendCallback callback = std::move(done);
    callback(result);
  }
};

}  // namespace

struct GroupCommitWriter::Impl {
  std::shared_ptr<LogStore> store;
  std::shared_ptr<const CheckpointSigner> signer;
  WriterOptions options;

  std::mutex mutex;
  std::condition_variable wake;
  std::deque<std::shared_ptr<Pending>> queue;
  std::size_t queued_records = 0;
  bool stopping = false;

  // Deadlines, watched by their own thread so that a commit stuck on a dead database still
  // answers its requests in time.
  std::mutex deadline_mutex;
  std::condition_variable deadline_wake;
  std::multimap<Clock::time_point, std::weak_ptr<Pending>> deadlines;
  bool deadline_stopping = false;

  // Committed batches whose callbacks are still to run: a thread of their own runs them, so that
  // waking the requests does not hold up the next commit.
  std::mutex completion_mutex;
  std::condition_variable completion_wake;
  std::deque<std::pair<std::vector<std::shared_ptr<Pending>>, std::int64_t>> completions;
  bool completion_stopping = false;

  // Chain state; only the writer thread touches it.
  bool head_known = false;
  std::int64_t head_seq = 0;
  std::string head_hash;
  std::int64_t last_checkpoint_seq = 0;
  Clock::time_point last_checkpoint_time = Clock::now();
  Clock::time_point last_probe{};
  // The chain's Merkle tree (chain_tree.cpp); loaded with the head, only the writer thread uses it.
  std::unique_ptr<ChainTree> tree;
  bool tree_head_due = false;  // sign a tree head soon (after a migration built the tree)

  std::atomic<bool> healthy{true};
  mutable std::mutex stats_mutex;
  WriterStats stats;

  std::thread writer_thread;
  std::thread deadline_thread;
  std::thread completion_thread;

  void writer_loop() {
    for (;;) {
      std::vector<std::shared_ptr<Pending>> batch;
      {
        std::unique_lock lock(mutex);
        wake.wait_for(lock, options.retry_interval, [&] { return stopping || !queue.empty(); });
        if (queue.empty()) {
          if (stopping) {
            lock.unlock();
            final_checkpoint();
            return;
          }
          lock.unlock();
          idle_work();
          continue;
        }
        if (options.max_wait.count() > 0 && queued_records < options.max_batch_records &&
            !stopping) {
          wake.wait_for(lock, options.max_wait,
                        [&] { return stopping || queued_records >= options.max_batch_records; });
        }
        std::size_t taken = 0;
        while (!queue.empty() && (batch.empty() || taken + queue.front()->records.size() <=
                                                       options.max_batch_records)) {
          taken += queue.front()->records.size();
          queued_records -= queue.front()->records.size();
          batch.push_back(std::move(queue.front()));
          queue.pop_front();
        }
      }
      commit(batch);
    }
  }

  bool load_head() {
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

  std::vector<Checkpoint> due_checkpoints(std::int64_t seq, const std::string& hash, bool idle,
                                          bool force = false) {
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

  // A signed checkpoint note over the tree of `seq` records, stored with the commit.
  void add_tree_head(std::int64_t seq) {
    tree_head_due = false;
    auto& heads = tree->pending().heads;
    if (!options.note_signer || tree->size() != static_cast<std::uint64_t>(seq)) return;
    if (!heads.empty() && heads.back().tree_size == seq) return;
    TreeCheckpoint checkpoint{options.origin, tree->size(), tree->root()};
    SignedNote note{checkpoint.text(), {options.note_signer->sign(checkpoint.text())}};
    heads.push_back(
        {options.chain_id, seq, merkle::to_hex(checkpoint.root), now_us(), note.to_string()});
  }

  // Stores what the tree has pending with `checkpoints`, outside a batch of records.
  bool store_tree(const std::vector<Checkpoint>& checkpoints) {
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

  void announce_heads() {
    if (options.on_tree_head) {
      for (const auto& h : tree->pending().heads) options.on_tree_head(h);
    }
    tree->committed();
  }

  // On shutdown: sign the head so that the last records are covered by a checkpoint.
  void final_checkpoint() {
    if (!head_known || !healthy || head_seq <= last_checkpoint_seq) return;
    store_tree(due_checkpoints(head_seq, head_hash, true, true));
  }

  void commit(std::vector<std::shared_ptr<Pending>>& batch) {
    // A request whose deadline passed has already answered 503; its records are not written, so
    // the log never claims a release that did not happen. The rest are taken: from here on the
    // deadline leaves them alone and this commit's outcome answers them.
    std::erase_if(batch, [](const auto& p) { return !p->take(); });
    if (batch.empty()) return;
    if (!head_known && !load_head()) {
      fail(batch, "log store unavailable: chain head unknown");
      return;
    }
    std::vector<LogRecord> rows;
    std::size_t count = 0;
    for (const auto& p : batch) count += p->records.size();
    rows.reserve(count);
    ChainLinker linker(head_seq, head_hash);
    tree->begin_batch();
    std::int64_t logged_at = now_us();
    for (auto& p : batch) {
      for (std::size_t i = 0; i < p->records.size(); ++i) {
        auto& r = p->records[i];
        r.chain_id = options.chain_id;
        r.logged_at_us = logged_at;
        linker.link(r, p->templates[i]);
        p->leaves.push_back(tree->append(linker.canonical()));
        rows.push_back(std::move(r));
      }
    }
    const std::int64_t seq = linker.head_seq();
    const std::string& hash = linker.head_hash();
    auto checkpoints = due_checkpoints(seq, hash, false);
    try {
      store->append_with_tree(rows, checkpoints, tree->pending());
    } catch (const std::exception& e) {
      // The commit may or may not have landed (a lost connection during COMMIT): read the head
      // (and the tree) again before the next batch rather than guess.
      head_known = false;
      tree->forget();
      fail(batch, e.what());
      return;
    }
    std::int64_t first = head_seq + 1;
    head_seq = seq;
    head_hash = hash;
    announce_heads();
    if (!checkpoints.empty()) {
      last_checkpoint_seq = seq;
      last_checkpoint_time = Clock::now();
    }
    healthy = true;
    {
      std::lock_guard lock(stats_mutex);
      stats.committed_records += rows.size();
      stats.batches += 1;
      stats.checkpoints += checkpoints.size();
    }
    {
      std::lock_guard lock(completion_mutex);
      completions.emplace_back(std::move(batch), first);
    }
    completion_wake.notify_one();
  }

  void completion_loop() {
    std::unique_lock lock(completion_mutex);
    for (;;) {
      completion_wake.wait(lock, [&] { return completion_stopping || !completions.empty(); });
      if (completions.empty()) return;
      auto [batch, first] = std::move(completions.front());
      completions.pop_front();
      lock.unlock();
      for (auto& p : batch) {
        p->complete({true, {}, first, std::move(p->leaves)});
        first += static_cast<std::int64_t>(p->records.size());
      }
      batch.clear();
      lock.lock();
    }
  }

  void fail(std::vector<std::shared_ptr<Pending>>& batch, const std::string& error) {
    if (healthy.exchange(false)) {
      common::log_event(common::Level::Error, "log-commit-failed", {{"error", error}});
    }
    {
      std::lock_guard lock(stats_mutex);
      stats.failed_batches += 1;
    }
    for (auto& p : batch) p->complete({false, error, 0});
  }

  // Without traffic: recover readiness after a failure, and sign the head when it is time.
  void idle_work() {
    if (!head_known || !healthy) {
      if (Clock::now() - last_probe < options.retry_interval) return;
      last_probe = Clock::now();
      if (load_head() && store->ping()) healthy = true;
      return;
    }
    store_tree(due_checkpoints(head_seq, head_hash, true));
  }

  void deadline_loop() {
    std::unique_lock lock(deadline_mutex);
    for (;;) {
      if (deadline_stopping) return;
      if (deadlines.empty()) {
        deadline_wake.wait(lock);
        continue;
      }
      auto next = deadlines.begin()->first;
      if (Clock::now() < next) {
        // Every append leaves a deadline here, and nearly all are answered by their commit long
        // before it comes. Waking once per deadline cost a thread switch per request; waking a
        // little after it sweeps all that came due meanwhile in one go. A request that does time
        // out is answered at most kDeadlineSlack late.
        deadline_wake.wait_until(lock, next + kDeadlineSlack);
        continue;
      }
      auto pending = deadlines.begin()->second.lock();
      deadlines.erase(deadlines.begin());
      if (!pending || !pending->expire()) continue;
      lock.unlock();
      pending->complete({false, "log commit timed out", 0});
      lock.lock();
    }
  }
};

GroupCommitWriter::GroupCommitWriter(std::shared_ptr<LogStore> store,
                                     std::shared_ptr<const CheckpointSigner> signer,
                                     WriterOptions options)
    : impl_(std::make_shared<Impl>()) {
  impl_->store = std::move(store);
  impl_->signer = std::move(signer);
  impl_->options = std::move(options);
  impl_->tree = std::make_unique<ChainTree>(impl_->options.chain_id);
  if (impl_->options.max_batch_records == 0) impl_->options.max_batch_records = 1;
  impl_->writer_thread = std::thread([impl = impl_.get()] {
    name_this_thread("log-writer");
    impl->writer_loop();
  });
  impl_->deadline_thread = std::thread([impl = impl_.get()] {
    name_this_thread("log-deadline");
    impl->deadline_loop();
  });
  impl_->completion_thread = std::thread([impl = impl_.get()] {
    name_this_thread("log-completion");
    impl->completion_loop();
  });
}

GroupCommitWriter::~GroupCommitWriter() {
  {
    std::lock_guard lock(impl_->mutex);
    impl_->stopping = true;
  }
  impl_->wake.notify_all();
  impl_->writer_thread.join();
  {
    std::lock_guard lock(impl_->completion_mutex);
    impl_->completion_stopping = true;
  }
  impl_->completion_wake.notify_all();
  impl_->completion_thread.join();
  {
    std::lock_guard lock(impl_->deadline_mutex);
    impl_->deadline_stopping = true;
  }
  impl_->deadline_wake.notify_all();
  impl_->deadline_thread.join();
}

void GroupCommitWriter::append(std::vector<LogRecord> records, std::chrono::milliseconds timeout,
                               AppendCallback done) {
  auto pending = std::make_shared<Pending>();
  pending->templates.reserve(records.size());
  for (auto& r : records) {
    // Made storable here, for every caller: one record's bad bytes must not fail a whole batch.
    make_storable(r);
    pending->templates.emplace_back(r);
  }
  pending->records = std::move(records);
  pending->done = std::move(done);
  pending->deadline = Clock::now() + timeout;
  std::size_t n = pending->records.size();
  {
    std::unique_lock lock(impl_->mutex);
    if (impl_->stopping) {
      lock.unlock();
      pending->complete({false, "log writer stopped", 0});
      return;
    }
    if (impl_->queued_records + n > impl_->options.max_queued_records) {
      lock.unlock();
      pending->complete({false, "log queue full", 0});
      return;
    }
    impl_->queue.push_back(pending);
    impl_->queued_records += n;
  }
  impl_->wake.notify_one();
  {
    std::lock_guard lock(impl_->deadline_mutex);
    bool earliest = impl_->deadlines.empty() || pending->deadline < impl_->deadlines.begin()->first;
    impl_->deadlines.emplace(pending->deadline, pending);
    if (earliest) impl_->deadline_wake.notify_one();
  }
}

std::future<AppendResult> GroupCommitWriter::append(std::vector<LogRecord> records,
                                                    std::chrono::milliseconds timeout) {
  auto promise = std::make_shared<std::promise<AppendResult>>();
  auto future = promise->get_future();
  append(std::move(records), timeout, [promise](const AppendResult& r) { promise->set_value(r); });
  return future;
}

bool GroupCommitWriter::healthy() const {
  return impl_->healthy.load();
}

WriterStats GroupCommitWriter::stats() const {
  std::lock_guard lock(impl_->stats_mutex);
  return impl_->stats;
}

const std::string& GroupCommitWriter::chain_id() const {
  return impl_->options.chain_id;
}

}  // namespace bronpoort::processing_log
