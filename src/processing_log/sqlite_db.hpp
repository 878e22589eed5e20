#pragma once
// A thin RAII wrapper over the SQLite C API for the log store: one connection in WAL mode with
// synchronous=FULL, and prepared statements. Errors become StoreError.

#include "sql_shape.hpp"

#include <bronpoort/processing_log/log_store.hpp>

#include <sqlite3.h>

#include <string>
#include <vector>

namespace bronpoort::processing_log::sqlite {

class Db {
 public:
  explicit Db(const std::string& path) {
    if (sqlite3_open_v2(path.c_str(), &db_,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                        nullptr) != SQLITE_OK) {
      std::string msg = db_ ? sqlite3_errmsg(db_) : "out of memory";
      sqlite3_close(db_);
      throw StoreError("cannot open SQLite log " + path + ": " + msg);
    }
    sqlite3_busy_timeout(db_, 10000);
    exec("PRAGMA journal_mode=WAL");
    exec("PRAGMA synchronous=FULL");
  }
  ~Db() { sqlite3_close(db_); }
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  void exec(const std::string& sql) {
    char* err = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
      std::string msg = err ? err : "unknown error";
      sqlite3_free(err);
      throw StoreError("SQLite: " + msg);
    }
  }
  sqlite3* get() { return db_; }

 private:
  sqlite3* db_ = nullptr;
};

class Statement {
 public:
  Statement(Db& db, const std::string& sql) : db_(db) {
    if (sqlite3_prepare_v2(db.get(), sql.c_str(), -1, &stmt_, nullptr) != SQLITE_OK) {
      throw StoreError(std::string("SQLite prepare: ") + sqlite3_errmsg(db.get()));
    }
  }
  ~Statement() { sqlite3_finalize(stmt_); }
  void bind(const std::vector<sql::Value>& values) {
    sqlite3_reset(stmt_);
    next_ = 0;
    for (std::size_t i = 0; i < values.size(); ++i) {
      int idx = static_cast<int>(i + 1);
      if (values[i].is_int) {
        sqlite3_bind_int64(stmt_, idx, values[i].integer);
      } else {
        const auto& s = values[i].text;
        sqlite3_bind_text(stmt_, idx, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
      }
    }
  }
  // Binds the next positional parameter.
  Statement& arg(const std::string& s) {
    sqlite3_bind_text(stmt_, ++next_, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Statement& arg(std::int64_t n) {
    sqlite3_bind_int64(stmt_, ++next_, n);
    return *this;
  }
  // For statements kept and reused: clears the previous execution, then binds by index. A text
  // bound without `copy` must stay alive until the statement is reset again.
  void reset() {
    sqlite3_reset(stmt_);
    next_ = 0;
  }
  void bind_text(int index, const std::string& s, bool copy) {
    sqlite3_bind_text(stmt_, index, s.data(), static_cast<int>(s.size()),
                      copy ? SQLITE_TRANSIENT : SQLITE_STATIC);
  }
  void bind_int(int index, std::int64_t n) { sqlite3_bind_int64(stmt_, index, n); }
  // True while a row is available.
  bool step() {
    int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    throw StoreError(std::string("SQLite: ") + sqlite3_errmsg(db_.get()));
  }
  std::string text(int col) {
    auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, col));
    return p ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col))) : "";
  }
  std::int64_t integer(int col) { return sqlite3_column_int64(stmt_, col); }
  int columns() { return sqlite3_column_count(stmt_); }

 private:
  Db& db_;
  sqlite3_stmt* stmt_ = nullptr;
  int next_ = 0;
};

}  // namespace bronpoort::processing_log::sqlite
