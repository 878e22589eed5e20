// The embedded default store: one SQLite connection (WAL) used under a mutex. Only parameterised
// statements; SQLite errors become StoreError (common::SqliteConnection).
#include <bronpoort/access/access_store.hpp>

#include <bronpoort/common/sqlite_connection.hpp>

#include <bronpoort/common/time.hpp>
#include "store_rows.hpp"

#include <sqlite3.h>

#include <mutex>

namespace bronpoort::access {

namespace {

std::string qmark(int) {
  return "?";
}

using Statement = common::SqliteStatement;

// One row of `columns` texts (the access tables keep every value as text).
rows::Row row_of(Statement& s, std::size_t columns) {
  rows::Row r;
  r.reserve(columns);
  for (std::size_t i = 0; i < columns; ++i) r.push_back(s.text(static_cast<int>(i)));
  return r;
}

class SqliteStore final : public AccessStore {
 public:
  // Serialized: the grant refresher and the endpoints reach the store from several threads; the
  // mutex below keeps each method's statements together.
  explicit SqliteStore(const std::filesystem::path& path)
      : db_(path, {.busy_timeout = std::chrono::milliseconds{10000},
                   .serialized = true,
                   .create_directories = true}) {}

  void migrate() override {
    std::lock_guard lock(mutex_);
    exec(rows::create_table(rows::kRequestTable, rows::request_columns()));
    exec(rows::create_table(rows::kGrantTable, rows::grant_columns()));
  }

  std::vector<AccessRequest> load_requests() override {
    std::lock_guard lock(mutex_);
    std::vector<AccessRequest> out;
    Statement s(db_, select(rows::kRequestTable, rows::request_columns(), "created_at"));
    while (s.step()) out.push_back(rows::to_request(row_of(s, rows::request_columns().size())));
    return out;
  }

  std::vector<Grant> load_grants() override {
    std::lock_guard lock(mutex_);
    std::vector<Grant> out;
    Statement s(db_, select(rows::kGrantTable, rows::grant_columns(), "granted_at"));
    while (s.step()) out.push_back(rows::to_grant(row_of(s, rows::grant_columns().size())));
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
    for (std::size_t i = 1; i < row.size(); ++i) s.bind_text(static_cast<int>(i), row[i]);
    s.bind_text(static_cast<int>(row.size()), row[0]);
    s.step();
    if (sqlite3_changes(db_.get()) != 1) return false;  // the transaction rolls back
    if (grant) insert(rows::kGrantTable, rows::grant_columns(), rows::from_grant(*grant));
    tx.commit();
    return true;
  }

  bool revoke_grant(const std::string& id, TimePoint at, const std::string& by) override {
    std::lock_guard lock(mutex_);
    auto when = common::format_time(at);
    Statement s(db_, std::string("UPDATE ") + rows::kGrantTable +
                         " SET revoked_at = ?, revoked_by = ? WHERE id = ? AND revoked_at = ''");
    s.arg(when).arg(by).arg(id);
    s.step();
    return sqlite3_changes(db_.get()) == 1;
  }

 private:
  // Rolls back unless committed, so an exception leaves no half-written change.
  class Transaction {
   public:
    explicit Transaction(SqliteStore& s) : store_(s) { store_.exec("BEGIN IMMEDIATE"); }
    ~Transaction() {
      if (!done_) sqlite3_exec(store_.db_.get(), "ROLLBACK", nullptr, nullptr, nullptr);
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
    for (std::size_t i = 0; i < row.size(); ++i) s.bind_text(static_cast<int>(i) + 1, row[i]);
    s.step();
  }

  void exec(const std::string& sql) { db_.exec(sql); }

  common::SqliteConnection db_;
  std::mutex mutex_;
};

}  // namespace

std::unique_ptr<AccessStore> open_sqlite_store(const std::filesystem::path& path) {
  return std::make_unique<SqliteStore>(path);
}

}  // namespace bronpoort::access
