#include "sqlite_indexer.hpp"

#include <bronpoort/common/log.hpp>
#include <bronpoort/core/thread_name.hpp>

#include <cstdio>
#include <random>

namespace bronpoort::processing_log::journal {
namespace {

// What one indexing transaction takes at most, so that a long backlog is stored in steps.
constexpr std::size_t kBatchBytes = 8u << 20;

std::string random_instance() {
  std::random_device random;
  char out[17];
  std::snprintf(out, sizeof out, "%08x%08x", random(), random());
  return out;
}

std::string_view payload_of(std::string_view frame) {
  return frame.substr(kFrameHeader);
}

}  // namespace

JournalIndexer::JournalIndexer(std::filesystem::path db, IndexTarget& target,
                               IndexerOptions options)
    : db_(std::move(db)), target_(target), options_(options), instance_(random_instance()) {
  recover();
  file_ = JournalFile::create(db_, instance_, ++generation_);
  thread_ = std::thread([this] {
    name_this_thread("log-indexer");
    index_loop();
  });
}

JournalIndexer::~JournalIndexer() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
  // Everything indexed: this process's journals are no longer needed. Otherwise they stay, and
  // the next start replays them.
  if (!options_.index || !queue_.empty()) return;
  try {
    for (auto& file : sealed_) retire(file);
    retire(file_);
  } catch (const std::exception& e) {
    common::log_event(common::Level::Warn, "log-journal-not-removed", {{"error", e.what()}});
  }
}

void JournalIndexer::recover() {
  for (const auto& name : target_.positioned_journals()) {
    std::error_code ec;
    if (!std::filesystem::exists(db_.parent_path() / name, ec)) target_.forget(name);
  }
  for (const auto& path : JournalFile::beside(db_)) {
    auto file = JournalFile::adopt(path);
    if (!file) continue;  // a live process's journal
    replay(*file);
    retire(std::move(file));
  }
}

void JournalIndexer::replay(JournalFile& file) {
  const std::string bytes = file.read_all();
  const Scan scanned = scan(bytes, file.name());
  // Past the frames there are zeros written ahead, and perhaps the bytes of a write that never
  // finished syncing: nobody was answered on those.
  if (bytes.find_first_not_of('\0', scanned.valid_end) != std::string::npos) {
    common::log_event(common::Level::Warn, "log-journal-torn-tail-cut",
                      {{"journal", file.name()},
                       {"offset", std::to_string(scanned.valid_end)},
                       {"bytes", std::to_string(bytes.size() - scanned.valid_end)}});
    file.truncate(scanned.valid_end);
  }
  const auto from = static_cast<std::size_t>(target_.position(file.name()));
  std::vector<Frame> frames;
  std::size_t records = 0;
  std::size_t batch_bytes = 0;
  auto flush = [&](std::size_t end) {
    if (frames.empty()) return;
    target_.apply(frames, {{file.name(), static_cast<std::int64_t>(end)}});
    frames.clear();
    batch_bytes = 0;
  };
  std::size_t replayed = 0;
  for (const auto& f : scanned.frames) {
    if (f.offset < from) continue;
    frames.push_back(decode(f.payload));
    records += frames.back().records.size();
    batch_bytes += f.payload.size();
    ++replayed;
    if (batch_bytes >= kBatchBytes) flush(f.end);
  }
  if (!scanned.frames.empty()) flush(scanned.frames.back().end);
  if (replayed > 0) {
    common::log_event(common::Level::Info, "log-journal-replayed",
                      {{"journal", file.name()},
                       {"frames", std::to_string(replayed)},
                       {"records", std::to_string(records)}});
  }
}

void JournalIndexer::retire(const std::shared_ptr<JournalFile>& file) {
  file->remove();
  target_.forget(file->name());
}

ChainMaxima& JournalIndexer::maxima_of(const std::string& chain_id,
                                       std::map<std::string, ChainMaxima>& changed) {
  auto it = changed.find(chain_id);
  if (it != changed.end()) return it->second;
  auto known = maxima_.find(chain_id);
  if (known != maxima_.end()) return changed[chain_id] = known->second;
  // A chain this store has not written yet: it becomes this store's alone, and starts from what
  // the tables hold once the indexer is current.
  if (!chain_locks_.count(chain_id)) {
    chain_locks_[chain_id] = std::make_unique<ChainLock>(db_, chain_id);
  }
  caught_up();
  return changed[chain_id] = target_.maxima(chain_id);
}

void JournalIndexer::check(const std::vector<LogRecord>& records,
                           const std::vector<Checkpoint>& checkpoints, const TreeAppend& tree,
                           std::map<std::string, ChainMaxima>& changed) {
  auto refuse = [](const std::string& what, const std::string& chain, std::int64_t n,
                   std::int64_t stored) {
    throw StoreError("log journal: " + what + " " + std::to_string(n) + " of chain " + chain +
                     " is not after the stored " + std::to_string(stored) + " (UNIQUE constraint)");
  };
  for (const auto& r : records) {
    auto& m = maxima_of(r.chain_id, changed);
    if (r.seq <= m.record_seq) refuse("record", r.chain_id, r.seq, m.record_seq);
    m.record_seq = r.seq;
  }
  for (const auto& c : checkpoints) {
    auto& m = maxima_of(c.chain_id, changed);
    if (c.seq <= m.checkpoint_seq) refuse("checkpoint", c.chain_id, c.seq, m.checkpoint_seq);
    m.checkpoint_seq = c.seq;
  }
  for (const auto& h : tree.heads) {
    auto& m = maxima_of(h.chain_id, changed);
    if (h.tree_size <= m.tree_size) refuse("tree head", h.chain_id, h.tree_size, m.tree_size);
    m.tree_size = h.tree_size;
  }
}

void JournalIndexer::append(const std::vector<LogRecord>& records,
                            const std::vector<Checkpoint>& checkpoints, const TreeAppend& tree) {
  std::lock_guard appending(append_mutex_);
  {
    std::lock_guard lock(mutex_);
    // Fail closed: while the tables refuse what is journaled, nothing more is released.
    if (!failure_.empty()) throw StoreError("log index failing: " + failure_);
    if (queued_bytes_ > options_.max_behind_bytes) {
      throw StoreError("log index is " + std::to_string(queued_bytes_) +
                       " bytes behind its journal");
    }
  }
  std::map<std::string, ChainMaxima> changed;
  check(records, checkpoints, tree, changed);
  Entry entry{nullptr, encode(records, checkpoints, tree), 0};
  if (file_->broken() || file_->size() >= options_.rotate_bytes) {
    auto next = JournalFile::create(db_, instance_, generation_ + 1);
    ++generation_;
    std::lock_guard lock(mutex_);
    sealed_.push_back(std::move(file_));
    file_ = std::move(next);
  }
  file_->write(entry.bytes);
  entry.file = file_;
  entry.end = file_->size();
  std::string sync_error;
  try {
    file_->sync();
  } catch (const StoreError& e) {
    sync_error = e.what();
  }
  // Written is as good as landed: after a failed sync the frame may still reach the disk, so the
  // chain continues after it either way (the caller is told the commit failed).
  for (auto& [chain, m] : changed) maxima_[chain] = m;
  bool wake = false;
  {
    std::lock_guard lock(mutex_);
    // The indexer waits for a first frame, then lingers until enough have gathered: waking it for
    // every commit in between only puts it back to sleep (a thread switch per commit).
    wake = queue_.empty() || queued_bytes_ + entry.bytes.size() >= kBatchBytes;
    queued_bytes_ += entry.bytes.size();
    queue_.push_back(std::move(entry));
    ++appended_;
  }
  if (wake) wake_.notify_one();
  if (!sync_error.empty()) throw StoreError(sync_error);
}

void JournalIndexer::caught_up() {
  std::unique_lock lock(mutex_);
  const std::uint64_t target = appended_;
  if (indexed_ >= target) return;
  ++readers_waiting_;
  wake_.notify_one();
  bool done = applied_.wait_for(lock, options_.read_wait,
                                [&] { return indexed_ >= target || !failure_.empty(); });
  --readers_waiting_;
  if (!done || indexed_ < target) {
    throw StoreError("log index is behind its journal" +
                     (failure_.empty() ? std::string() : ": " + failure_));
  }
}

void JournalIndexer::index_loop() {
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait(lock, [&] { return stopping_ || (options_.index && !queue_.empty()); });
    if (!options_.index || queue_.empty()) return;  // stopping, and nothing (more) to index
    if (!stopping_ && readers_waiting_ == 0 && queued_bytes_ < kBatchBytes) {
      // Let commits gather: one transaction for many of them is what makes indexing cheap.
      wake_.wait_for(lock, options_.linger, [&] {
        return stopping_ || readers_waiting_ > 0 || queued_bytes_ >= kBatchBytes;
      });
    }
    std::deque<Entry> batch;
    std::size_t bytes = 0;
    while (!queue_.empty() && (batch.empty() || bytes < kBatchBytes)) {
      bytes += queue_.front().bytes.size();
      batch.push_back(std::move(queue_.front()));
      queue_.pop_front();
    }
    lock.unlock();
    std::string error;
    try {
      index(batch);
    } catch (const std::exception& e) {
      error = e.what();
    }
    lock.lock();
    if (error.empty()) {
      indexed_ += batch.size();
      queued_bytes_ -= bytes;
      if (!failure_.empty()) {
        common::log_event(common::Level::Info, "log-index-recovered", {});
        failure_.clear();
      }
      healthy_ = true;
      applied_.notify_all();
      batch.clear();
      tend_files(lock);
      continue;
    }
    // The frames are durable in the journal; keep them in order and try again.
    for (auto it = batch.rbegin(); it != batch.rend(); ++it) queue_.push_front(std::move(*it));
    if (failure_ != error) {
      common::log_event(common::Level::Error, "log-index-failed", {{"error", error}});
    }
    failure_ = error;
    healthy_ = false;
    applied_.notify_all();
    if (stopping_) return;  // the journal stays; the next start replays it
    wake_.wait_for(lock, std::chrono::seconds(1), [&] { return stopping_; });
  }
}

void JournalIndexer::tend_files(std::unique_lock<std::mutex>& lock) {
  std::vector<std::shared_ptr<JournalFile>> done;
  std::erase_if(sealed_, [&](auto& f) {
    // Only this list holds it once its last frame is indexed.
    if (f.use_count() > 1) return false;
    done.push_back(std::move(f));
    return true;
  });
  auto current = file_;  // replaced under this lock
  lock.unlock();
  try {
    current->grow_ahead();
  } catch (const std::exception& e) {
    // The writer grows the file itself then, and fails the commit if it cannot.
    common::log_event(common::Level::Warn, "log-journal-not-grown", {{"error", e.what()}});
  }
  for (auto& f : done) {
    try {
      retire(f);
    } catch (const std::exception& e) {
      common::log_event(common::Level::Warn, "log-journal-not-removed", {{"error", e.what()}});
    }
  }
  lock.lock();
}

void JournalIndexer::index(std::deque<Entry>& batch) {
  std::vector<Frame> frames;
  frames.reserve(batch.size());
  std::map<std::string, std::int64_t> positions;
  for (const auto& e : batch) {
    frames.push_back(decode(payload_of(e.bytes)));
    positions[e.file->name()] = static_cast<std::int64_t>(e.end);
  }
  target_.apply(frames, positions);
}

}  // namespace bronpoort::processing_log::journal
