#pragma once
// One SQLite connection as every SQLite store here uses it: opened read-write (created when
// missing), journal_mode=WAL and synchronous=FULL so that a commit is on disk when it returns, and
// a busy timeout instead of an immediate SQLITE_BUSY. Statements are prepared and stepped through
// SqliteStatement. Every failure throws StoreError with SQLite's message; the path is named only
// when opening fails.

#include <bronpoort/common/store_error.hpp>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace bronpoort::common {

struct SqliteOptions {
  std::chrono::milliseconds busy_timeout{10000};
  // SQLITE_OPEN_FULLMUTEX: the connection may be used from several threads (SQLite serialises).
  // Otherwise SQLITE_OPEN_NOMUTEX: the owner makes sure one thread at a time uses it.
  bool serialized = false;
  // Creates the file's directory first when missing.
  bool create_directories = false;
};

class SqliteConnection {
 public:
  explicit SqliteConnection(const std::filesystem::path& path, const SqliteOptions& options = {});
  ~SqliteConnection();
  SqliteConnection(const SqliteConnection&) = delete;
  SqliteConnection& operator=(const SqliteConnection&) = delete;

  // Runs one or more statements without parameters (DDL, PRAGMA, BEGIN/COMMIT).
  void exec(const std::string& sql);
  sqlite3* get() { return db_; }

 private:
  sqlite3* db_ = nullptr;
};

class SqliteStatement {
 public:
  SqliteStatement(SqliteConnection& db, const std::string& sql);
  ~SqliteStatement();
  SqliteStatement(const SqliteStatement&) = delete;
  SqliteStatement& operator=(const SqliteStatement&) = delete;

  // Binds the next positional parameter (a copy of the text).
  SqliteStatement& arg(const std::string& s);
  SqliteStatement& arg(std::int64_t n);
  // For statements kept and reused: clears the previous execution, then binds by index. A text
  // bound without `copy` must stay alive until the statement is reset again.
  void reset();
  void bind_text(int index, std::string_view s, bool copy = true);
  void bind_int(int index, std::int64_t n);
  // True while a row is available.
  bool step();
  std::string text(int col);
  std::int64_t integer(int col);
  int columns();

 private:
  SqliteConnection& db_;
  sqlite3_stmt* stmt_ = nullptr;
  int next_ = 0;
};

}  // namespace bronpoort::common
