// The group-commit writer: one thread takes what requests queued, links it into the chain and
// commits it as one durable transaction; group_commit_impl.hpp says where the rest lives.
#include "group_commit_impl.hpp"

namespace bronpoort::processing_log {

using writer::Clock;
using writer::now_us;
using writer::Pending;

void GroupCommitWriter::Impl::writer_loop() {
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
      // Waiting for more records makes a commit carry more of them, which costs less CPU per
      // record, but only while enough requests are still on their way: once every request in
      // flight waits here, waiting longer would only leave the cores idle (docs/performance.md).
      if (options.max_wait.count() > 0 && queued_records < options.max_batch_records && !stopping &&
          on_the_way.load() >= options.min_on_the_way) {
        wake.wait_for(lock, options.max_wait, [&] {
          return stopping || queued_records >= options.max_batch_records || on_the_way.load() <= 0;
        });
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

void GroupCommitWriter::Impl::commit(std::vector<std::shared_ptr<Pending>>& batch) {
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
  // The callbacks only hand the answer to the request's own thread (LogStage), so they run here:
  // a thread of their own cost a wake-up and a thread switch per commit.
  for (auto& p : batch) {
    p->complete({true, {}, first, std::move(p->leaves)});
    first += static_cast<std::int64_t>(p->records.size());
  }
}

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
}

GroupCommitWriter::~GroupCommitWriter() {
  {
    std::lock_guard lock(impl_->mutex);
    impl_->stopping = true;
  }
  impl_->wake.notify_all();
  impl_->writer_thread.join();
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
  bool notify = false;
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
    // Only the first record wakes a waiting writer, and a full batch one that lingers: waking it
    // for every append while it lingers would only put it back to sleep.
    notify = impl_->queue.empty() || impl_->queued_records + n >= impl_->options.max_batch_records;
    impl_->queue.push_back(pending);
    impl_->queued_records += n;
  }
  if (notify) impl_->wake.notify_one();
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

std::shared_ptr<void> GroupCommitWriter::expect() {
  impl_->on_the_way.fetch_add(1);
  // The token holds the writer's state, not the writer: a request may outlive the writer.
  return std::shared_ptr<void>(impl_.get(), [impl = impl_](void*) {
    if (impl->on_the_way.fetch_sub(1) == 1) {
      // The last one in: a lingering writer commits now. The lock orders this with its check of
      // the count, so the wake-up cannot fall between its check and its wait.
      { std::lock_guard lock(impl->mutex); }
      impl->wake.notify_one();
    }
  });
}

bool GroupCommitWriter::healthy() const {
  return impl_->healthy.load() && impl_->store->writable();
}

WriterStats GroupCommitWriter::stats() const {
  std::lock_guard lock(impl_->stats_mutex);
  return impl_->stats;
}

const std::string& GroupCommitWriter::chain_id() const {
  return impl_->options.chain_id;
}

}  // namespace bronpoort::processing_log
