#pragma once
// The one writer of a chain. Requests hand their records over and get a callback; a dedicated
// thread takes everything queued (up to a batch size, lingering at most `max_wait` for more), links
// the records into the hash chain in order, and commits them in one transaction — one fsync for
// many requests. Request threads never wait on the database or on a lock held during I/O.

#include <bronpoort/processing_log/checkpoint.hpp>
#include <bronpoort/processing_log/log_store.hpp>
#include <bronpoort/processing_log/merkle.hpp>
#include <bronpoort/processing_log/signed_note.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <future>
#include <memory>
#include <string>
#include <vector>

namespace bronpoort::processing_log {

struct WriterOptions {
  std::string chain_id = "gateway-1";
  std::size_t max_batch_records = 512;
  // How long the writer may wait for more records before it commits, and only while requests
  // announced with expect() are still on their way to append() (docs/processing-log.md).
  std::chrono::microseconds max_wait{0};
  // ... and only when at least this many are on their way when it would start to wait. With
  // fewer, the cores run out of work before the wait ends (measured: docs/performance.md).
  std::int64_t min_on_the_way = 16;
  std::int64_t checkpoint_every_records = 1000;
  std::chrono::milliseconds checkpoint_every{60000};
  std::size_t max_queued_records = 100000;  // beyond this, appends fail at once (back-pressure)
  // While the store is failing, how often the idle writer probes it to recover readiness.
  std::chrono::milliseconds retry_interval{1000};
  // Signs the Merkle tree heads (checkpoint notes for origin `origin`) made with the checkpoints;
  // null: the tree is kept and stored, but no heads are signed.
  std::shared_ptr<const NoteSigner> note_signer;
  std::string origin;
  // Told about every signed tree head once it is durable (e.g. to push it to witnesses); called on
  // the writer thread, so it must only hand the head over.
  std::function<void(const TreeHead&)> on_tree_head;
};

struct AppendResult {
  bool durable = false;
  std::string error;  // why not, for operators; never shown to callers verbatim
  std::int64_t first_seq = 0;
  // The Merkle leaf hash of each record appended, in order (records first_seq, first_seq + 1, ...):
  // what a receipt names.
  std::vector<merkle::Hash> leaf_hashes{};
};

using AppendCallback = std::function<void(const AppendResult&)>;

struct WriterStats {
  std::uint64_t committed_records = 0;
  std::uint64_t batches = 0;
  std::uint64_t failed_batches = 0;
  std::uint64_t checkpoints = 0;
};

class GroupCommitWriter {
 public:
  // `signer` may be null: then no checkpoints are written.
  GroupCommitWriter(std::shared_ptr<LogStore> store, std::shared_ptr<const CheckpointSigner> signer,
                    WriterOptions options);
  // Commits what is queued, signs a last checkpoint over it, then stops the threads.
  ~GroupCommitWriter();
  GroupCommitWriter(const GroupCommitWriter&) = delete;
  GroupCommitWriter& operator=(const GroupCommitWriter&) = delete;

  // Queues `records` (chain_id, seq, hashes and logged_at are filled in by the writer). `done` is
  // called exactly once: from the writer thread after the commit, or with durable=false when the
  // commit failed, the queue is full, the writer stopped, or `timeout` passed first. Callbacks
  // must be quick and must not wait for the log: after a commit they run one after another on the
  // writer thread, before its next commit; otherwise on the deadline thread or the caller's. The
  // records are serialised here, on the calling thread, so the writer only links and stores them.
  void append(std::vector<LogRecord> records, std::chrono::milliseconds timeout,
              AppendCallback done);
  std::future<AppendResult> append(std::vector<LogRecord> records,
                                   std::chrono::milliseconds timeout);

  // Announces a request that is on its way to append() (or to its end without one): until the
  // returned token goes, a commit may wait up to max_wait for it. Release the token after the
  // request's append(), so that the commit it waited for takes its records.
  std::shared_ptr<void> expect();

  // False after a failed commit until the store answers again.
  bool healthy() const;
  WriterStats stats() const;
  const std::string& chain_id() const;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace bronpoort::processing_log
