// The release ledger's durable storage: one append-only table in the gateway's store, one row per
// delivered version of a cell (its rows' keyed fingerprints, never a key). A check reads the
// scope's rows and writes the new ones while holding a lock on the scope: for SQLite (one gateway
// instance) a mutex, for PostgreSQL an advisory transaction lock derived from the scope, so two
// instances checking one recipient's releases take turns.
#include <bronpoort/linkage/release_ledger.hpp>

#include <bronpoort/common/postgres_session.hpp>
#include <bronpoort/common/sqlite_connection.hpp>

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
  // Serialized, with the SQLite file's directory made when missing, like the grant store in the
  // same file.
  explicit SqliteLedgerStore(const std::filesystem::path& path)
      : db_(path, {.busy_timeout = std::chrono::milliseconds{10000},
                   .serialized = true,
                   .create_directories = true}) {
    exec(kCreateTable);
    exec(
        "CREATE TRIGGER IF NOT EXISTS linkage_releases_append_only BEFORE UPDATE ON "
        "linkage_releases BEGIN SELECT RAISE(ABORT, 'linkage_releases is append-only'); END");
    exec(
        "CREATE TRIGGER IF NOT EXISTS linkage_releases_no_delete BEFORE DELETE ON "
        "linkage_releases BEGIN SELECT RAISE(ABORT, 'linkage_releases is append-only'); END");
  }

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
      select.bind_text(1, scope);
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
        insert.bind_text(1, scope);
        insert.bind_text(2, cell);
        insert.bind_text(3, std::to_string(groups[cell].size()));
        insert.bind_text(4, encode_rows(rows));
        insert.bind_text(5, std::to_string(now_us()));
        insert.step();
        groups[cell].push_back(rows);  // two new versions of one cell in one call get 0 and 1
      }
      exec("COMMIT");
    } catch (...) {
      sqlite3_exec(db_.get(), "ROLLBACK", nullptr, nullptr, nullptr);
      throw;
    }
  }

 private:
  using Statement = common::SqliteStatement;

  void exec(const std::string& sql) { db_.exec(sql); }

  common::SqliteConnection db_;
  std::mutex mutex_;
};

class PostgresLedgerStore final : public LedgerStore {
 public:
  explicit PostgresLedgerStore(std::string dsn) : session_(std::move(dsn)) {
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
    session_.transaction(std::forward<Body>(body));
  }

  common::PostgresSession session_;
};

}  // namespace

std::unique_ptr<LedgerStore> open_sqlite_ledger_store(const std::filesystem::path& path) {
  return std::make_unique<SqliteLedgerStore>(path);
}

std::unique_ptr<LedgerStore> open_postgres_ledger_store(const std::string& dsn) {
  return std::make_unique<PostgresLedgerStore>(dsn);
}

}  // namespace bronpoort::linkage
