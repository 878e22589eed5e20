// Answering the requests that wait for the writer when a commit failed, and when a deadline passes
// before the writer took them (a commit's own answers are in group_commit_writer.cpp).
#include "group_commit_impl.hpp"

namespace bronpoort::processing_log {

using writer::kDeadlineSlack;

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
