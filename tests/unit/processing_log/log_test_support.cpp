#include "log_test_support.hpp"

#include <sqlite3.h>
#include <pqxx/pqxx>

#include <unistd.h>
#include <sstream>
#include <thread>

namespace bronpoort::processing_log::testing {
namespace {

std::string unique_name(const std::string& prefix) {
  static std::atomic<int> counter{0};
  return prefix + "_" + std::to_string(::getpid()) + "_" + std::to_string(counter++) + "_" +
         std::to_string(std::chrono::steady_clock::now().time_since_epoch().count() % 100000);
}

class SqliteDatabase final : public TestDatabase {
 public:
  explicit SqliteDatabase(SqliteStoreOptions options = {})
      : path_(temp_path("log") / "log.db"), options_(options) {}
  ~SqliteDatabase() override { std::filesystem::remove_all(path_.parent_path()); }
  std::string kind() const override { return "sqlite"; }
  std::string location() const override { return path_.string(); }
  std::unique_ptr<LogStore> open() override { return open_sqlite_store(path_.string(), options_); }
  void exec_privileged(const std::string& sql) override { exec_sqlite(path_, sql); }
  void exec_bypassing_triggers(const std::string& sql) override {
    // Whoever holds the file can drop the triggers; the hash chain is what catches the change.
    exec_privileged(
        "BEGIN; DROP TRIGGER processing_log_no_update; DROP TRIGGER processing_log_no_delete; "
        "DROP TRIGGER log_checkpoints_no_update; DROP TRIGGER log_checkpoints_no_delete; " +
        sql + "; COMMIT;");
  }

 private:
  std::filesystem::path path_;
  SqliteStoreOptions options_;
};

class PostgresDatabase final : public TestDatabase {
 public:
  explicit PostgresDatabase(std::string base)
      : base_(std::move(base)), name_(unique_name("bplog")) {
    pqxx::connection c(base_);
    pqxx::nontransaction tx(c);
    tx.exec("CREATE DATABASE " + name_);
  }
  ~PostgresDatabase() override {
    try {
      pqxx::connection c(base_);
      pqxx::nontransaction tx(c);
      tx.exec("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
    } catch (const std::exception&) {
    }
  }
  std::string kind() const override { return "postgres"; }
  std::string location() const override { return dsn(); }
  std::string dsn() const { return dsn_with(base_, name_); }
  const std::string& name() const { return name_; }
  std::unique_ptr<LogStore> open() override { return open_postgres_store(dsn()); }
  void exec_privileged(const std::string& sql) override {
    pqxx::connection c(dsn());
    pqxx::nontransaction tx(c);
    tx.exec(sql);
  }
  void exec_bypassing_triggers(const std::string& sql) override {
    // A superuser can switch off ordinary triggers for its session.
    pqxx::connection c(dsn());
    pqxx::work tx(c);
    tx.exec("SET LOCAL session_replication_role = replica");
    tx.exec(sql);
    tx.commit();
  }

 private:
  std::string base_;
  std::string name_;
};

}  // namespace

void exec_sqlite(const std::filesystem::path& db, const std::string& sql) {
  sqlite3* c = nullptr;
  sqlite3_open(db.c_str(), &c);
  sqlite3_busy_timeout(c, 5000);
  char* err = nullptr;
  int rc = sqlite3_exec(c, sql.c_str(), nullptr, nullptr, &err);
  std::string msg = err ? err : "";
  sqlite3_free(err);
  sqlite3_close(c);
  if (rc != SQLITE_OK) throw std::runtime_error(msg);
}

std::string test_pg_dsn() {
  const char* v = std::getenv("BRONPOORT_TEST_PG_DSN");
  return v ? v : "";
}

bool pg_required() {
  const char* v = std::getenv("BRONPOORT_REQUIRE_PG");
  return v && *v && std::string(v) != "0";
}

std::string dsn_with(const std::string& dsn, const std::string& dbname, const std::string& user) {
  std::string out;
  std::istringstream in(dsn);
  std::string part;
  while (in >> part) {
    if (part.rfind("dbname=", 0) == 0) continue;
    if (!user.empty() && part.rfind("user=", 0) == 0) continue;
    out += part + " ";
  }
  out += "dbname=" + dbname;
  if (!user.empty()) out += " user=" + user;
  return out;
}

std::unique_ptr<TestDatabase> make_test_database(const std::string& kind) {
  if (kind == "sqlite") return std::make_unique<SqliteDatabase>();
  if (kind == "sqlite_lookup_every_commit") {
    // Every commit goes into the trace and subject lookup at once (sqlite_lookup.hpp), where the
    // default leaves a few tests' records after the lookup's position.
    SqliteStoreOptions options;
    options.lookup_batch = 1;
    return std::make_unique<SqliteDatabase>(options);
  }
  std::string dsn = test_pg_dsn();
  if (dsn.empty()) {
    if (pg_required())
      ADD_FAILURE() << "BRONPOORT_REQUIRE_PG is set but BRONPOORT_TEST_PG_DSN is not";
    return nullptr;
  }
  return std::make_unique<PostgresDatabase>(dsn);
}

LogRecord sample_record(const std::string& dataset, const std::string& org) {
  LogRecord r;
  r.kind = RecordKind::Processing;
  r.trace_id = "4bf92f3577b34da6a3ce929d0e0e4736";
  r.span_id = "00f067aa0ba902b7";
  r.parent_span_id = "a3ce929d0e0e4736";
  r.name = "read " + dataset + "/records";
  r.start_us = 1700000000000000;
  r.end_us = 1700000000001000;
  r.status = "Ok";
  r.processing_activity_id = "https://example.nl/activities/benefit-check";
  r.data_subject_id = "pseudonym";
  r.data_subject_id_type = "BSN";
  r.pseudonym_key_id = "k1";
  r.organisation = org;
  r.role = "case-worker";
  r.purpose = "benefit-check";
  r.legal_basis = "Participatiewet art. 64";
  r.dataset = dataset;
  r.resource = "records";
  r.owner_organisation = "00000099";
  r.decision = "allow";
  r.http_status = 200;
  r.fields_released = {"name", "birthDate"};
  return r;
}

TreeAppend one_node_tree(const std::string& chain, merkle::NodeId id, unsigned char fill) {
  TreeAppend tree;
  tree.chain_id = chain;
  merkle::StoredNode node;
  node.id = id;
  node.hash.fill(fill);
  tree.nodes.push_back(node);
  return tree;
}

std::vector<LogRecord> linked_records(const std::string& chain_id, int n, std::int64_t logged_at) {
  std::vector<LogRecord> out;
  std::string hash = genesis_hash();
  for (int i = 0; i < n; ++i) {
    LogRecord r = sample_record();
    r.chain_id = chain_id;
    r.logged_at_us = logged_at + i;
    link_record(r, i, hash);
    hash = r.hash;
    out.push_back(r);
  }
  return out;
}

void FakeStore::append(const std::vector<LogRecord>& records,
                       const std::vector<Checkpoint>& checkpoints) {
  std::unique_lock lock(mutex_);
  ++calls_;
  released_.wait(lock, [&] { return !hanging_; });
  if (failing) throw StoreError("fake store failing");
  if (commit_delay.count() > 0) std::this_thread::sleep_for(commit_delay);
  records_.insert(records_.end(), records.begin(), records.end());
  checkpoints_.insert(checkpoints_.end(), checkpoints.begin(), checkpoints.end());
}

std::optional<ChainHead> FakeStore::chain_head(const std::string&) {
  std::lock_guard lock(mutex_);
  if (failing) throw StoreError("fake store failing");
  if (records_.empty()) return std::nullopt;
  return ChainHead{records_.back().seq, records_.back().hash,
                   checkpoints_.empty() ? 0 : checkpoints_.back().seq};
}

std::vector<Checkpoint> FakeStore::checkpoints(const std::string&) {
  std::lock_guard lock(mutex_);
  return checkpoints_;
}

void FakeStore::hang() {
  std::lock_guard lock(mutex_);
  hanging_ = true;
}

void FakeStore::release() {
  {
    std::lock_guard lock(mutex_);
    hanging_ = false;
  }
  released_.notify_all();
}

std::size_t FakeStore::record_count() {
  std::lock_guard lock(mutex_);
  return records_.size();
}

std::size_t FakeStore::append_calls() {
  std::lock_guard lock(mutex_);
  return calls_;
}

std::filesystem::path temp_path(const std::string& stem) {
  auto dir = std::filesystem::temp_directory_path() / unique_name("bronpoort-" + stem);
  std::filesystem::create_directories(dir);
  return dir;
}

}  // namespace bronpoort::processing_log::testing
