// The embedded default store: one SQLite connection (WAL) used under a mutex. Only parameterised
// statements; SQLite errors become StoreError.
#include <bronpoort/access/access_store.hpp>

#include "store_rows.hpp"
#include "time_format.hpp"

#include <sqlite3.h>

#include <mutex>

namespace bronpoort::access {

namespace {

std::string qmark(int) {
  return "?";
}

class Statement {
 public:
  Statement(sqlite3* db, const std::string& sql) : db_(db) {
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt_, nullptr) != SQLITE_OK) {
      throw StoreError(std::string("sqlite prepare: ") + sqlite3_errmsg(db));
    }
  }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  void bind(int index, const std::string& value) {
    if (sqlite3_bind_text(stmt_, index, value.data(), static_cast<int>(value.size()),
                          SQLITE_TRANSIENT) != SQLITE_OK) {
      throw StoreError(std::string("sqlite bind: ") + sqlite3_errmsg(db_));
    }
  }
  // True while a row is available.
  bool step() {
    int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    throw StoreError(std::string("sqlite step: ") + sqlite3_errmsg(db_));
  }
  rows::Row row(std::size_t columns) {
    rows::Row r;
    r.reserve(columns);
    for (std::size_t i = 0; i < columns; ++i) {
      const auto* text = sqlite3_column_text(stmt_, static_cast<int>(i));
      r.emplace_back(text ? reinterpret_cast<const char*>(text) : "");
    }
    return r;
  }

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

class SqliteStore final : public AccessStore {
 public:
  explicit SqliteStore(const std::filesystem::path& path) {
    std::error_code ec;
    if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path(), ec);
    if (sqlite3_open_v2(path.string().c_str(), &db_,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                        nullptr) != SQLITE_OK) {
      std::string msg = db_ ? sqlite3_errmsg(db_) : "out of memory";
      sqlite3_close(db_);
      throw StoreError("cannot open " + path.string() + ": " + msg);
    }
    sqlite3_busy_timeout(db_, 5000);
    exec("PRAGMA journal_mode=WAL");
    exec("PRAGMA synchronous=FULL");
  }
  ~SqliteStore() override { sqlite3_close(db_); }

  void migrate() override {
    std::lock_guard lock(mutex_);
    exec(rows::create_table(rows::kRequestTable, rows::request_columns()));
    exec(rows::create_table(rows::kGrantTable, rows::grant_columns()));
  }

  std::vector<AccessRequest> load_requests() override {
    std::lock_guard lock(mutex_);
    std::vector<AccessRequest> out;
    Statement s(db_, select(rows::kRequestTable, rows::request_columns(), "created_at"));
    while (s.step()) out.push_back(rows::to_request(s.row(rows::request_columns().size())));
    return out;
  }

  std::vector<Grant> load_grants() override {
    std::lock_guard lock(mutex_);
    std::vector<Grant> out;
    Statement s(db_, select(rows::kGrantTable, rows::grant_columns(), "granted_at"));
    while (s.step()) out.push_back(rows::to_grant(s.row(rows::grant_columns().size())));
    return out;
  }

  void insert_request(const AccessRequest& request, const std::optional<Grant>& grant) override {
    std::lock_guard lock(mutex_);
    Transaction tx(*this);
    insert(rows::kRequestTable, rows::request_columns(), rows::from_request(request));
    if (grant) insert(rows::kGrantTable, rows::grant_columns(), rows::from_grant(*grant));
    tx.commit();
  }

  bool decide_request(const AccessRequest& decided, const std::optional<Grant>& grant) override {
    std::lock_guard lock(mutex_);
    Transaction tx(*this);
    Statement s(db_, rows::decide_update(qmark));
    auto row = rows::from_request(decided);
    for (std::size_t i = 1; i < row.size(); ++i) s.bind(static_cast<int>(i), row[i]);
    s.bind(static_cast<int>(row.size()), row[0]);
    s.step();
    if (sqlite3_changes(db_) != 1) return false;  // the transaction rolls back
    if (grant) insert(rows::kGrantTable, rows::grant_columns(), rows::from_grant(*grant));
    tx.commit();
    return true;
  }

  bool revoke_grant(const std::string& id, TimePoint at, const std::string& by) override {
    std::lock_guard lock(mutex_);
    auto when = format_time(at);
    Statement s(db_, std::string("UPDATE ") + rows::kGrantTable +
                         " SET revoked_at = ?, revoked_by = ? WHERE id = ? AND revoked_at = ''");
    s.bind(1, when);
    s.bind(2, by);
    s.bind(3, id);
    s.step();
    return sqlite3_changes(db_) == 1;
  }

 private:
  // Rolls back unless committed, so an exception leaves no half-written change.
  class Transaction {
   public:
    explicit Transaction(SqliteStore& s) : store_(s) { store_.exec("BEGIN IMMEDIATE"); }
    ~Transaction() {
      if (!done_) sqlite3_exec(store_.db_, "ROLLBACK", nullptr, nullptr, nullptr);
    }
    void commit() {
      store_.exec("COMMIT");
      done_ = true;
    }

   private:
    SqliteStore& store_;
    bool done_ = false;
  };

  static std::string select(const char* table, const std::vector<std::string>& columns,
                            const char* order) {
    std::string sql = "SELECT ";
    for (std::size_t i = 0; i < columns.size(); ++i) sql += (i ? ", " : "") + columns[i];
    return sql + " FROM " + table + " ORDER BY " + order + ", id";
  }

  void insert(const char* table, const std::vector<std::string>& columns, const rows::Row& row) {
    Statement s(db_, rows::insert_into(table, columns, qmark));
    for (std::size_t i = 0; i < row.size(); ++i) s.bind(static_cast<int>(i) + 1, row[i]);
    s.step();
  }

  void exec(const std::string& sql) {
    char* err = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
      std::string msg = err ? err : "unknown error";
      sqlite3_free(err);
      throw StoreError("sqlite: " + msg);
    }
  }

  sqlite3* db_ = nullptr;
  std::mutex mutex_;
};

}  // namespace

std::unique_ptr<AccessStore> open_sqlite_store(const std::filesystem::path& path) {
  return std::make_unique<SqliteStore>(path);
}

}  // namespace bronpoort::access
