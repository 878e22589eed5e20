// Answering the requests that wait for the writer: after a commit (on the completion thread),
// after a failure, and when a deadline passes before the writer took them.
#include "group_commit_impl.hpp"

namespace bronpoort::processing_log {

using writer::kDeadlineSlack;

void GroupCommitWriter::Impl::completion_loop() {
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

void GroupCommitWriter::Impl::fail(std::vector<std::shared_ptr<Pending>>& batch,
                                   const std::string& error) {
  if (healthy.exchange(false)) {
    common::log_event(common::Level::Error, "log-commit-failed", {{"error", error}});
  }
  {
    std::lock_guard lock(stats_mutex);
    stats.failed_batches += 1;
  }
  for (auto& p : batch) p->complete({false, error, 0});
}

void GroupCommitWriter::Impl::deadline_loop() {
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

}  // namespace bronpoort::processing_log
