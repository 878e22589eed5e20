// The release ledger's durable storage: one append-only table in the gateway's store, one row per
// delivered version of a cell (its rows' keyed fingerprints, never a key). A check reads the
// scope's rows and writes the new ones while holding a lock on the scope: for SQLite (one gateway
// instance) a mutex, for PostgreSQL an advisory transaction lock derived from the scope, so two
// instances checking one recipient's releases take turns.
#include <bronpoort/linkage/release_ledger.hpp>

#include <sqlite3.h>
#include <pqxx/pqxx>

#include <chrono>
#include <mutex>
#include <stdexcept>

namespace bronpoort::linkage {
namespace {

constexpr const char* kCreateTable =
    "CREATE TABLE IF NOT EXISTS linkage_releases (scope TEXT NOT NULL, cell TEXT NOT NULL, "
    "version INTEGER NOT NULL, rows TEXT NOT NULL, released_at_us BIGINT NOT NULL, "
    "PRIMARY KEY (scope, cell, version))";

std::int64_t now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void add_version(ReleasedVersions& groups, const std::string& cell, std::string_view text) {
  auto rows = decode_rows(text);
  if (!rows) throw std::runtime_error("linkage_releases holds a malformed row for a cell");
  groups[cell].push_back(std::move(*rows));
}

class SqliteLedgerStore final : public LedgerStore {
 public:
  explicit SqliteLedgerStore(const std::filesystem::path& path) {
    std::error_code ec;
    if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path(), ec);
    if (sqlite3_open_v2(path.string().c_str(), &db_,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                        nullptr) != SQLITE_OK) {
      std::string msg = db_ ? sqlite3_errmsg(db_) : "out of memory";
      sqlite3_close(db_);
      db_ = nullptr;
      throw std::runtime_error("cannot open " + path.string() + ": " + msg);
    }
    sqlite3_busy_timeout(db_, 10000);
    exec("PRAGMA journal_mode=WAL");
    exec("PRAGMA synchronous=FULL");
    exec(kCreateTable);
    exec(
        "CREATE TRIGGER IF NOT EXISTS linkage_releases_append_only BEFORE UPDATE ON "
        "linkage_releases BEGIN SELECT RAISE(ABORT, 'linkage_releases is append-only'); END");
    exec(
        "CREATE TRIGGER IF NOT EXISTS linkage_releases_no_delete BEFORE DELETE ON "
        "linkage_releases BEGIN SELECT RAISE(ABORT, 'linkage_releases is append-only'); END");
  }
  ~SqliteLedgerStore() override { sqlite3_close(db_); }

  void with_scope(const std::string& scope,
                  const std::function<NewReleases(const ReleasedVersions&)>& decide) override {
    // SQLite serves one gateway instance, so this mutex is what excludes other checks; the
    // file's write lock is taken only to append, not while `decide` computes, so the processing
    // log (in the same file) is never held up by a ledger check.
    std::lock_guard lock(mutex_);
    ReleasedVersions groups;
    {
      Statement select(db_,
                       "SELECT cell, rows FROM linkage_releases WHERE scope = ?1 "
                       "ORDER BY cell, version");
      select.bind(1, scope);
      while (select.step()) add_version(groups, select.text(0), select.text(1));
    }
    const auto fresh = decide(groups);
    if (fresh.empty()) return;
    exec("BEGIN IMMEDIATE");
    try {
      for (const auto& [cell, rows] : fresh) {
        Statement insert(db_,
                         "INSERT INTO linkage_releases (scope, cell, version, rows, "
                         "released_at_us) VALUES (?1, ?2, ?3, ?4, ?5)");
        insert.bind(1, scope);
        insert.bind(2, cell);
        insert.bind(3, std::to_string(groups[cell].size()));
        insert.bind(4, encode_rows(rows));
        insert.bind(5, std::to_string(now_us()));
        insert.step();
        groups[cell].push_back(rows);  // two new versions of one cell in one call get 0 and 1
      }
      exec("COMMIT");
    } catch (...) {
      sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
      throw;
    }
  }

 private:
  class Statement {
   public:
    Statement(sqlite3* db, const char* sql) : db_(db) {
      if (sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr) != SQLITE_OK)
        throw std::runtime_error(std::string("SQLite: ") + sqlite3_errmsg(db));
    }
    ~Statement() { sqlite3_finalize(stmt_); }
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;
    void bind(int i, const std::string& v) {
      if (sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT) !=
          SQLITE_OK)
        throw std::runtime_error(std::string("SQLite: ") + sqlite3_errmsg(db_));
    }
    bool step() {
      const int rc = sqlite3_step(stmt_);
      if (rc == SQLITE_ROW) return true;
      if (rc == SQLITE_DONE) return false;
      throw std::runtime_error(std::string("SQLite: ") + sqlite3_errmsg(db_));
    }
    std::string text(int c) {
      const auto* t = sqlite3_column_text(stmt_, c);
      return t ? reinterpret_cast<const char*>(t) : "";
    }

   private:
    sqlite3* db_;
    sqlite3_stmt* stmt_ = nullptr;
  };

  void exec(const std::string& sql) {
    char* err = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
      std::string msg = err ? err : "unknown error";
      sqlite3_free(err);
      throw std::runtime_error("SQLite: " + msg);
    }
  }

  sqlite3* db_ = nullptr;
  std::mutex mutex_;
};

class PostgresLedgerStore final : public LedgerStore {
 public:
  explicit PostgresLedgerStore(std::string dsn) : dsn_(std::move(dsn)) {
    run([](pqxx::work& tx) {
      // Serialise the first starts of several instances, as the other stores do.
      tx.exec("SELECT pg_advisory_xact_lock(720502)");
      tx.exec(kCreateTable);
      tx.exec(
          "CREATE OR REPLACE FUNCTION linkage_releases_append_only() RETURNS trigger "
          "LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'linkage_releases is append-only'; END $$");
      tx.exec("DROP TRIGGER IF EXISTS linkage_releases_append_only ON linkage_releases");
      tx.exec(
          "CREATE TRIGGER linkage_releases_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON "
          "linkage_releases FOR EACH STATEMENT EXECUTE FUNCTION linkage_releases_append_only()");
    });
  }

  void with_scope(const std::string& scope,
                  const std::function<NewReleases(const ReleasedVersions&)>& decide) override {
    run([&](pqxx::work& tx) {
      // The commit that records a release must be durable whatever the server's default.
      tx.exec("SET LOCAL synchronous_commit = on");
      // One lock per scope, for this transaction: 64 bits of the scope's MD5.
      tx.exec_params(
          "SELECT pg_advisory_xact_lock(('x' || substr(md5($1), 1, 16))::bit(64)::bigint)", scope);
      ReleasedVersions groups;
      for (const auto& row : tx.exec_params(
               "SELECT cell, rows FROM linkage_releases WHERE scope = $1 ORDER BY cell, version",
               scope)) {
        add_version(groups, row[0].c_str(), row[1].c_str());
      }
      for (const auto& [cell, rows] : decide(groups)) {
        tx.exec_params(
            "INSERT INTO linkage_releases (scope, cell, version, rows, released_at_us) "
            "VALUES ($1, $2, $3, $4, $5)",
            scope, cell, static_cast<long long>(groups[cell].size()), encode_rows(rows),
            static_cast<long long>(now_us()));
        groups[cell].push_back(rows);
      }
    });
  }

 private:
  template <typename Body>
  void run(Body&& body) {
    std::lock_guard lock(mutex_);
    for (int attempt = 0;; ++attempt) {
      try {
        if (!conn_ || !conn_->is_open()) conn_ = std::make_unique<pqxx::connection>(dsn_);
        pqxx::work tx(*conn_);
        body(tx);
        tx.commit();
        return;
      } catch (const pqxx::broken_connection& e) {
        conn_.reset();
        if (attempt > 0) throw std::runtime_error(std::string("PostgreSQL: ") + e.what());
      } catch (const pqxx::failure& e) {
        throw std::runtime_error(std::string("PostgreSQL: ") + e.what());
      }
    }
  }

  std::string dsn_;
  std::unique_ptr<pqxx::connection> conn_;
  std::mutex mutex_;
};

}  // namespace

std::unique_ptr<LedgerStore> open_sqlite_ledger_store(const std::filesystem::path& path) {
  return std::make_unique<SqliteLedgerStore>(path);
}

std::unique_ptr<LedgerStore> open_postgres_ledger_store(const std::string& dsn) {
  return std::make_unique<PostgresLedgerStore>(dsn);
}

}  // namespace bronpoort::linkage
