#pragma once
// Copies the SQLite log's WAL back into the database file on a thread and connection of its own
// instead of inside the writer's commits (SQLite's auto-checkpoint), so the connection that
// stores the log never does that copying itself while the WAL stays small. A passive checkpoint
// never blocks the writer; commits stay durable through the WAL and its fsync either way.

#include "sqlite_db.hpp"

#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

namespace bronpoort::processing_log::sqlite {

class WalCheckpointer {
 public:
  // WAL size (pages) at which the thread copies the WAL back into the database file.
  static constexpr int kCheckpointPages = 1000;
  // Past this size the writer checkpoints itself between two commits.
  static constexpr int kCatchUpPages = 4 * kCheckpointPages;

  // Opens its own connection to `path`, watches `writer`'s commits (its WAL hook) and starts the
  // `log-checkpoint` thread.
  WalCheckpointer(const std::string& path, Db& writer);
  // Stops watching and joins the thread.
  ~WalCheckpointer();
  WalCheckpointer(const WalCheckpointer&) = delete;
  WalCheckpointer& operator=(const WalCheckpointer&) = delete;

 private:
  static int on_commit(void* self, sqlite3* db, const char* name, int pages);
  void loop();

  Db& writer_;
  Db connection_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool due_ = false;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace bronpoort::processing_log::sqlite
