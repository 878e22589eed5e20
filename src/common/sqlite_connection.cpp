#include <bronpoort/common/sqlite_connection.hpp>

#include <sqlite3.h>

namespace bronpoort::common {

SqliteConnection::SqliteConnection(const std::filesystem::path& path,
                                   const SqliteOptions& options) {
  if (options.create_directories && path.has_parent_path()) {
    std::error_code ec;  // opening reports a directory that could not be made
    std::filesystem::create_directories(path.parent_path(), ec);
  }
  const int threading = options.serialized ? SQLITE_OPEN_FULLMUTEX : SQLITE_OPEN_NOMUTEX;
  if (sqlite3_open_v2(path.string().c_str(), &db_,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | threading,
                      nullptr) != SQLITE_OK) {
    std::string msg = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    db_ = nullptr;
    throw StoreError("cannot open SQLite file " + path.string() + ": " + msg);
  }
  sqlite3_busy_timeout(db_, static_cast<int>(options.busy_timeout.count()));
  try {
    exec("PRAGMA journal_mode=WAL");
    exec("PRAGMA synchronous=FULL");
  } catch (...) {
    sqlite3_close(db_);
    throw;
  }
}

SqliteConnection::~SqliteConnection() {
  sqlite3_close(db_);
}

void SqliteConnection::exec(const std::string& sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : "unknown error";
    sqlite3_free(err);
    throw StoreError("SQLite: " + msg);
  }
}

SqliteStatement::SqliteStatement(SqliteConnection& db, const std::string& sql) : db_(db) {
  if (sqlite3_prepare_v2(db.get(), sql.c_str(), -1, &stmt_, nullptr) != SQLITE_OK) {
    throw StoreError(std::string("SQLite prepare: ") + sqlite3_errmsg(db.get()));
  }
}

SqliteStatement::~SqliteStatement() {
  sqlite3_finalize(stmt_);
}

SqliteStatement& SqliteStatement::arg(const std::string& s) {
  bind_text(++next_, s, true);
  return *this;
}

SqliteStatement& SqliteStatement::arg(std::int64_t n) {
  bind_int(++next_, n);
  return *this;
}

void SqliteStatement::reset() {
  sqlite3_reset(stmt_);
  next_ = 0;
}

void SqliteStatement::bind_text(int index, std::string_view s, bool copy) {
  if (sqlite3_bind_text(stmt_, index, s.data(), static_cast<int>(s.size()),
                        copy ? SQLITE_TRANSIENT : SQLITE_STATIC) != SQLITE_OK) {
    throw StoreError(std::string("SQLite bind: ") + sqlite3_errmsg(db_.get()));
  }
}

void SqliteStatement::bind_int(int index, std::int64_t n) {
  if (sqlite3_bind_int64(stmt_, index, n) != SQLITE_OK) {
    throw StoreError(std::string("SQLite bind: ") + sqlite3_errmsg(db_.get()));
  }
}

bool SqliteStatement::step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  throw StoreError(std::string("SQLite: ") + sqlite3_errmsg(db_.get()));
}

std::string SqliteStatement::text(int col) {
  auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, col));
  return p ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col))) : "";
}

std::int64_t SqliteStatement::integer(int col) {
  return sqlite3_column_int64(stmt_, col);
}

int SqliteStatement::columns() {
  return sqlite3_column_count(stmt_);
}

}  // namespace bronpoort::common
