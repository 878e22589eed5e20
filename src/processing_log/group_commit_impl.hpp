#pragma once
// The group-commit writer's inside, shared by its files: group_commit_writer.cpp (the API, the
// writer loop and the commit), group_commit_chain.cpp (the chain head, checkpoints and tree heads)
// and group_commit_answers.cpp (answering requests: completions, failures and deadlines).
// Private to src/processing_log.

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
namespace writer {

using Clock = std::chrono::steady_clock;

constexpr auto kDeadlineSlack = std::chrono::milliseconds(10);

inline std::int64_t now_us() {
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

}  // namespace writer

struct GroupCommitWriter::Impl {
  using Clock = writer::Clock;
  using Pending = writer::Pending;

  std::shared_ptr<LogStore> store;
  std::shared_ptr<const CheckpointSigner> signer;
  WriterOptions options;

  std::mutex mutex;
  std::condition_variable wake;
  std::deque<std::shared_ptr<Pending>> queue;
  std::size_t queued_records = 0;
  // Requests announced with expect() that have not yet appended (or ended).
  std::atomic<std::int64_t> on_the_way{0};
  bool stopping = false;

  // Deadlines, watched by their own thread so that a commit stuck on a dead database still
  // answers its requests in time.
  std::mutex deadline_mutex;
  std::condition_variable deadline_wake;
  std::multimap<Clock::time_point, std::weak_ptr<Pending>> deadlines;
  bool deadline_stopping = false;

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

  void writer_loop();
  bool load_head();
  std::vector<Checkpoint> due_checkpoints(std::int64_t seq, const std::string& hash, bool idle,
                                          bool force = false);
  // A signed checkpoint note over the tree of `seq` records, stored with the commit.
  void add_tree_head(std::int64_t seq);
  // Stores what the tree has pending with `checkpoints`, outside a batch of records.
  bool store_tree(const std::vector<Checkpoint>& checkpoints);
  void announce_heads();
  // On shutdown: sign the head so that the last records are covered by a checkpoint.
  void final_checkpoint();
  void commit(std::vector<std::shared_ptr<Pending>>& batch);
  void fail(std::vector<std::shared_ptr<Pending>>& batch, const std::string& error);
  // Without traffic: recover readiness after a failure, and sign the head when it is time.
  void idle_work();
  void deadline_loop();
};

}  // namespace bronpoort::processing_log
