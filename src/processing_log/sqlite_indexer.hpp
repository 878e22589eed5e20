#pragma once
// The SQLite store's commit path (docs/processing-log.md, "The commit journal"): an append is
// checked against the chains' heads, written as one frame to this process's journal file and
// synced, and is durable from then on. A thread of its own, the indexer, copies the frames into
// the SQLite tables, many commits per transaction, and records how far it got in the same
// transaction. Reads first wait until the indexer has copied every frame appended before them, so
// they see what they would have seen without the journal. When the database is opened, journals
// left by a process that ended (a crash, kill -9) are replayed from where their indexer stopped.
// Private to src/processing_log.

#include "sqlite_journal.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <thread>

namespace bronpoort::processing_log::journal {

// The highest sequence numbers a chain has stored: an append must go beyond them, as the
// tables' primary keys require, because a frame the indexer could not store would be lost.
struct ChainMaxima {
  std::int64_t record_seq = 0;
  std::int64_t checkpoint_seq = 0;
  std::int64_t tree_size = 0;
};

// What the indexer needs of the database.
class IndexTarget {
 public:
  virtual ~IndexTarget() = default;
  // Stores the frames and each journal's new position (bytes applied) in one transaction.
  virtual void apply(const std::vector<Frame>& frames,
                     const std::map<std::string, std::int64_t>& positions) = 0;
  // Where a journal's replay starts (0: nothing applied) and forgetting a finished journal.
  virtual std::int64_t position(const std::string& journal) = 0;
  virtual void forget(const std::string& journal) = 0;
  virtual std::vector<std::string> positioned_journals() = 0;
  virtual ChainMaxima maxima(const std::string& chain_id) = 0;
};

struct IndexerOptions {
  // Copy frames into the tables. Off only in tests that leave a journal behind on purpose.
  bool index = true;
  // How long the indexer waits for more frames before a transaction, unless a read waits: the
  // larger its transactions, the less each record costs (docs/performance.md).
  std::chrono::milliseconds linger{50};
  // Journal size at which appends move on to a new file (the old one goes once indexed).
  std::size_t rotate_bytes = 64u << 20;
  // Appended but not yet indexed: past this, appends fail (503) instead of growing memory.
  std::size_t max_behind_bytes = 256u << 20;
  // How long a read waits for the indexer before it fails.
  std::chrono::milliseconds read_wait{10000};
};

class JournalIndexer {
 public:
  // Replays journals that no live process holds, then opens this process's own. Throws
  // StoreError when a journal is damaged or cannot be replayed: the gateway does not start on a
  // log it cannot complete.
  JournalIndexer(std::filesystem::path db, IndexTarget& target, IndexerOptions options = {});
  // Indexes what is left and removes this process's journal.
  ~JournalIndexer();

  void append(const std::vector<LogRecord>& records, const std::vector<Checkpoint>& checkpoints,
              const TreeAppend& tree);
  // Returns once every frame appended before the call is in the tables; StoreError on timeout.
  void caught_up();
  // False while the indexer cannot store what is journaled.
  bool healthy() const { return healthy_.load(); }

 private:
  struct Entry {
    std::shared_ptr<JournalFile> file;
    std::string bytes;    // the whole frame
    std::size_t end = 0;  // the file's size after it
  };

  void recover();
  void replay(JournalFile& file);
  void check(const std::vector<LogRecord>& records, const std::vector<Checkpoint>& checkpoints,
             const TreeAppend& tree, std::map<std::string, ChainMaxima>& changed);
  ChainMaxima& maxima_of(const std::string& chain_id, std::map<std::string, ChainMaxima>& changed);
  void index_loop();
  void index(std::deque<Entry>& batch);
  // After a batch is indexed (under mutex_, released meanwhile): removes sealed journals whose
  // frames are all indexed and writes zeros ahead in the current one.
  void tend_files(std::unique_lock<std::mutex>& lock);
  void retire(const std::shared_ptr<JournalFile>& file);

  std::filesystem::path db_;
  IndexTarget& target_;
  IndexerOptions options_;
  std::string instance_;

  // Appends, in order (the store's writer calls append from one thread at a time).
  std::mutex append_mutex_;
  std::shared_ptr<JournalFile> file_;
  int generation_ = 0;
  std::map<std::string, ChainMaxima> maxima_;
  std::map<std::string, std::unique_ptr<ChainLock>> chain_locks_;

  std::mutex mutex_;
  std::condition_variable wake_;     // the indexer: frames queued, a reader waits, stop
  std::condition_variable applied_;  // readers: frames indexed
  std::deque<Entry> queue_;
  std::size_t queued_bytes_ = 0;
  std::uint64_t appended_ = 0;  // frames
  std::uint64_t indexed_ = 0;
  int readers_waiting_ = 0;
  bool stopping_ = false;
  std::string failure_;
  std::atomic<bool> healthy_{true};
  std::vector<std::shared_ptr<JournalFile>> sealed_;  // rotated away, to remove once indexed
  std::thread thread_;
};

}  // namespace bronpoort::processing_log::journal
