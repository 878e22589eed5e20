#include "sqlite_checkpointer.hpp"

#include <bronpoort/core/thread_name.hpp>

#include <sqlite3.h>

namespace bronpoort::processing_log::sqlite {

WalCheckpointer::WalCheckpointer(const std::string& path, Db& writer)
    : writer_(writer), connection_(path) {
  sqlite3_wal_hook(writer_.get(), &WalCheckpointer::on_commit, this);
  thread_ = std::thread([this] {
    name_this_thread("log-checkpoint");
    loop();
  });
}

WalCheckpointer::~WalCheckpointer() {
  sqlite3_wal_hook(writer_.get(), nullptr, nullptr);
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

// SQLite's WAL hook: called on the writer connection after each commit with the WAL's size.
int WalCheckpointer::on_commit(void* self, sqlite3* db, const char* name, int pages) {
  if (pages >= kCatchUpPages) {
    // Under steady load the background checkpoint may never find the WAL fully copied at the
    // moment a write begins, and only then does SQLite start the WAL over. Past this size the
    // writer checkpoints itself between two commits, as SQLite's auto-checkpoint would; most
    // pages were already copied in the background, so this is short, and the WAL stays bounded.
    sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
  } else if (pages >= kCheckpointPages) {
    auto* checkpointer = static_cast<WalCheckpointer*>(self);
    {
      std::lock_guard lock(checkpointer->mutex_);
      checkpointer->due_ = true;
    }
    checkpointer->wake_.notify_one();
  }
  return SQLITE_OK;
}

void WalCheckpointer::loop() {
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait(lock, [&] { return stopping_ || due_; });
    if (stopping_) return;
    due_ = false;
    lock.unlock();
    // Passive: copies what no reader still needs and never waits for, or blocks, the writer.
    // A failure is retried at the next commit past the threshold.
    sqlite3_wal_checkpoint_v2(connection_.get(), nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr,
                              nullptr);
    lock.lock();
  }
}

}  // namespace bronpoort::processing_log::sqlite
