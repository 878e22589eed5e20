// PostgreSQL-only behaviour: the INSERT+SELECT-only role, recovery after lost connections, several
// instances sharing one database, migrations.

#include "../../../src/processing_log/postgres_rows.hpp"
#include "../../../src/processing_log/sql_shape.hpp"
#include "log_test_support.hpp"

#include <bronpoort/processing_log/group_commit_writer.hpp>
#include <bronpoort/processing_log/verifier.hpp>

#include <gtest/gtest.h>
#include <pqxx/pqxx>

#include <unistd.h>
#include <thread>

namespace bronpoort::processing_log {
namespace {

using namespace std::chrono_literals;
using namespace std::string_literals;
using testing::sample_record;

// The bytes of an array parameter, as array_recv reads them: needs no server.
std::string bytes_of(const pqxx::binarystring& b) {
  return std::string(reinterpret_cast<const char*>(b.data()), b.size());
}

TEST(PostgresBinaryArray, AnEmptyArrayIsItsShortHeaderOnly) {
  postgres::BinaryArray texts(postgres::BinaryArray::kText);
  EXPECT_EQ(bytes_of(texts.param()),
            "\0\0\0\0"s
            "\0\0\0\0"s
            "\0\0\0\x19"s);
}

TEST(PostgresBinaryArray, ElementsFollowTheHeaderWithTheirLengths) {
  postgres::BinaryArray texts(postgres::BinaryArray::kText);
  texts.reserve(64);
  texts.add_text("ab");
  texts.add_text("");
  texts.add_text("{\"x\"}");
  EXPECT_EQ(texts.size(), 4u + 2 + 4 + 4 + 5);
  EXPECT_EQ(bytes_of(texts.param()),
            "\0\0\0\x01"s
            "\0\0\0\0"s
            "\0\0\0\x19"s
            "\0\0\0\x03"s
            "\0\0\0\x01"s
            "\0\0\0\x02"s
            "ab"s
            "\0\0\0\0"s
            "\0\0\0\x05{\"x\"}"s);

  postgres::BinaryArray numbers(postgres::BinaryArray::kInt8);
  numbers.add_int8(-2);
  numbers.add_int8(std::int64_t{1} << 40);
  const std::string first = bytes_of(numbers.param());
  EXPECT_EQ(first,
            "\0\0\0\x01"s
            "\0\0\0\0"s
            "\0\0\0\x14"s
            "\0\0\0\x02"s
            "\0\0\0\x01"s
            "\0\0\0\x08\xff\xff\xff\xff\xff\xff\xff\xfe"s
            "\0\0\0\x08\0\0\x01\0\0\0\0\0"s);
  // Asked again, the parameter is the same: the header is written over, not added.
  EXPECT_EQ(bytes_of(numbers.param()), first);
}

class PostgresStore : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = testing::make_test_database("postgres");
    if (!db_) GTEST_SKIP() << "no PostgreSQL test cluster";
  }
  std::unique_ptr<testing::TestDatabase> db_;
};

TEST_F(PostgresStore, GatewayRoleMayOnlyInsertAndSelect) {
  std::unique_ptr<LogStore> owner = db_->open();  // migrates as the superuser
  ASSERT_TRUE(owner->ping());
  std::string role = "bplog_gw_" + std::to_string(::getpid());
  db_->exec_privileged("DROP ROLE IF EXISTS " + role);
  db_->exec_privileged("CREATE ROLE " + role + " LOGIN IN ROLE bronpoort_log_writer");
  std::string dsn =
      testing::dsn_with(db_->location(), pqxx::connection(db_->location()).dbname(), role);
  {
    // The gateway runs with the restricted login; migrations need the owner's DSN.
    auto store = open_postgres_store(dsn, db_->location());
    store->append(testing::linked_records("gw", 2), {});
    EXPECT_EQ(store->chain_head("gw")->seq, 2);
    pqxx::connection c(dsn);
    for (const char* sql : {"UPDATE processing_log SET purpose = 'x'", "DELETE FROM processing_log",
                            "TRUNCATE processing_log", "DROP TABLE processing_log",
                            "ALTER TABLE processing_log DISABLE TRIGGER USER",
                            "SET session_replication_role = replica"}) {
      pqxx::nontransaction tx(c);
      EXPECT_ANY_THROW(tx.exec(sql)) << sql;
    }
  }
  EXPECT_EQ(owner->chain_records("gw", 1, 10).size(), 2u);
  db_->exec_privileged("DROP OWNED BY " + role);
  owner.reset();
  // The database is dropped after the test; the role has to go too.
  pqxx::connection admin(testing::test_pg_dsn());
  pqxx::nontransaction tx(admin);
  try {
    tx.exec("DROP ROLE IF EXISTS " + role);
  } catch (const std::exception&) {
    // Still referenced by the test database until it is dropped; harmless.
  }
}

TEST_F(PostgresStore, WriterResumesAfterItsConnectionsAreKilled) {
  std::shared_ptr<LogStore> store = db_->open();
  WriterOptions options;
  options.chain_id = "gw-1";
  options.retry_interval = 50ms;
  GroupCommitWriter writer(store, nullptr, options);
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(writer.append({sample_record()}, 5s).get().durable);

  // What a database restart or failover looks like to the gateway: every session is gone.
  db_->exec_privileged(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
      "WHERE datname = current_database() AND pid <> pg_backend_pid()");

  int durable = 0;
  int failed = 0;
  for (int i = 0; i < 50 && durable < 5; ++i) {
    auto r = writer.append({sample_record()}, 5s).get();
    r.durable ? ++durable : ++failed;
    if (!r.durable) std::this_thread::sleep_for(20ms);
  }
  EXPECT_EQ(durable, 5);  // resumed without restarting anything
  EXPECT_LE(failed, 2);
  for (int i = 0; i < 100 && !writer.healthy(); ++i) std::this_thread::sleep_for(10ms);
  EXPECT_TRUE(writer.healthy());
  auto report = verify_log(*store, nullptr);
  EXPECT_TRUE(report.ok) << report.to_json().dump();
  EXPECT_EQ(report.chains.at(0).records, 10);
}

TEST_F(PostgresStore, InstancesSharingADatabaseKeepSeparateChains) {
  std::vector<std::thread> instances;
  for (const char* chain : {"gw-a", "gw-b", "gw-c"}) {
    instances.emplace_back([&, chain] {
      WriterOptions options;
      options.chain_id = chain;
      GroupCommitWriter writer(db_->open(), nullptr, options);
      std::vector<std::future<AppendResult>> pending;
      for (int i = 0; i < 40; ++i) pending.push_back(writer.append({sample_record()}, 10s));
      for (auto& p : pending) EXPECT_TRUE(p.get().durable);
    });
  }
  for (auto& t : instances) t.join();
  auto store = db_->open();
  auto report = verify_log(*store, nullptr);
  EXPECT_TRUE(report.ok) << report.to_json().dump();
  ASSERT_EQ(report.chains.size(), 3u);
  for (const auto& c : report.chains) EXPECT_EQ(c.records, 40);
}

TEST_F(PostgresStore, ConcurrentStartupsApplyEachMigrationOnce) {
  std::vector<std::thread> starts;
  for (int i = 0; i < 4; ++i) {
    starts.emplace_back([&] { EXPECT_TRUE(db_->open()->ping()); });
  }
  for (auto& t : starts) t.join();
  pqxx::connection c(db_->location());
  pqxx::nontransaction tx(c);
  auto r = tx.exec("SELECT count(*), max(version) FROM schema_migrations");
  // Migration 1 (the log), 2 (its Merkle tree) and 3 (cheaper indexes), each once.
  EXPECT_EQ(r[0][0].as<int>(), 3);
  EXPECT_EQ(r[0][1].as<int>(), 3);
}

TEST_F(PostgresStore, SubjectAndNewestFirstQueriesAreServedByTheirIndexes) {
  std::shared_ptr<LogStore> store = db_->open();
  {
    WriterOptions options;
    options.chain_id = "gw-idx";
    GroupCommitWriter writer(store, nullptr, options);
    for (int i = 0; i < 6; ++i) {
      LogRecord r = sample_record();
      r.data_subject_id = i % 3 == 0 ? "subject-x" : i % 3 == 1 ? "subject-y" : "";
      ASSERT_TRUE(writer.append({r}, 5s).get().durable);
    }
  }
  // Records about a person are found by the partial index; the others are still listed.
  auto page = store->query(LogFilter{.data_subject_id = "subject-x"}, std::nullopt, 10);
  ASSERT_EQ(page.records.size(), 2u);
  EXPECT_EQ(page.records[0].seq, 4);  // newest first
  EXPECT_EQ(page.records[1].seq, 1);
  for (const auto& r : page.records) EXPECT_EQ(r.data_subject_id, "subject-x");
  EXPECT_EQ(store->query(LogFilter{}, std::nullopt, 10).records.size(), 6u);

  // With sequential scans ruled out, a table this small still shows which index can serve each
  // query. The store's WHERE clause implies the partial subject index's predicate even in a
  // generic plan (one that does not know the subject), and newest first is a backward scan of the
  // ascending index, not a sort.
  pqxx::connection c(db_->location());
  pqxx::work tx(c);
  tx.exec("SET LOCAL enable_seqscan = off");
  tx.exec("SET LOCAL plan_cache_mode = force_generic_plan");
  auto plan = [&](const LogFilter& f, const std::string& tail, const std::string& args) {
    auto where =
        sql::build_where(f, std::nullopt, [](std::size_t n) { return "$" + std::to_string(n); });
    const std::string types = where.params.empty() ? "" : "(text)";
    tx.exec("PREPARE q" + types + " AS SELECT * FROM processing_log" + where.sql + tail);
    std::string all;
    for (const auto& row : tx.exec("EXPLAIN EXECUTE q" + args)) all += row[0].c_str() + "\n"s;
    tx.exec("DEALLOCATE q");
    return all;
  };
  std::string by_subject = plan(LogFilter{.data_subject_id = "subject-x"}, "", "('subject-x')");
  EXPECT_NE(by_subject.find("processing_log_subject"), std::string::npos) << by_subject;
  std::string newest = plan(LogFilter{}, std::string(sql::kNewestFirst) + " LIMIT 10", "");
  EXPECT_NE(newest.find("Index Scan Backward using processing_log_newest"), std::string::npos)
      << newest;
  EXPECT_EQ(newest.find("Sort"), std::string::npos) << newest;
}

TEST(PostgresStoreDown, StartsUnhealthyAndFailsClosed) {
  // Nothing listens on port 1: the gateway still starts, reports not ready, and refuses to
  // confirm any record.
  std::shared_ptr<LogStore> store = open_postgres_store("host=127.0.0.1 port=1 connect_timeout=2");
  EXPECT_FALSE(store->ping());
  GroupCommitWriter writer(store, nullptr, WriterOptions{});
  auto r = writer.append({sample_record()}, 5s).get();
  EXPECT_FALSE(r.durable);
  EXPECT_FALSE(writer.healthy());
}

}  // namespace
}  // namespace bronpoort::processing_log
