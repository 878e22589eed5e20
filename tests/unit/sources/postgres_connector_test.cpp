// The PostgreSQL connector against a real database: queries through generated SQL, hostile values
// as plain data, the same answers as the HTTP connector for the same records, and faults
// (database unreachable, connections killed, statement timeout) mapped to their status.
#include "registry_fixture.hpp"
#include "source_fixtures.hpp"

#include <bronpoort/sources/runtime.hpp>

#include <gtest/gtest.h>

#include <set>

#include <thread>

namespace bronpoort::sources {
namespace {

using testing::fetch_and_wait;
using testing::make_request;

constexpr const char* kCasesTable = R"SQL(
  CREATE SCHEMA debt;
  CREATE TABLE debt.cases (case_id text PRIMARY KEY, bsn char(9) NOT NULL,
    municipality text NOT NULL, opened_date date NOT NULL, status text NOT NULL,
    debt_amount numeric(12, 2) NOT NULL);
  INSERT INTO debt.cases
    SELECT 'DA-' || lpad(i::text, 6, '0'), lpad((100000000 + i)::text, 9, '0'),
           CASE WHEN i % 3 = 0 THEN 'Demostad' WHEN i % 3 = 1 THEN 'Zwolle' ELSE 'o''Brien; --' END,
           DATE '2024-01-01' + i, CASE WHEN i % 2 = 0 THEN 'open' ELSE 'closed' END, i * 10.5
    FROM generate_series(1, 250) AS i;
  CREATE VIEW debt.slow_cases AS SELECT * FROM debt.cases WHERE (SELECT true FROM pg_sleep(0.3));
)SQL";

class PostgresConnectorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    BRONPOORT_REQUIRE_PG_OR_SKIP();
    db_ = std::make_unique<testing::PgTestDatabase>();
    db_->exec(kCasesTable);
    registry_ = with_dsn(db_->dsn());
    runtime_ = std::make_unique<SourceRuntime>();
  }
  std::shared_ptr<const Registry> with_dsn(const std::string& dsn,
                                           const std::string& table = "debt.cases",
                                           int statement_timeout_ms = 5000) {
    auto reg = std::make_shared<Registry>(*testing::demo_registry());
    auto& c = const_cast<Resource*>(reg->dataset("debt-assistance")->resource("cases"))->connector;
    c.postgres.dsn = dsn;
    c.postgres.table = table;
    c.postgres.statement_timeout = std::chrono::milliseconds(statement_timeout_ms);
    return reg;
  }
  FetchOutcome fetch(const std::shared_ptr<const Registry>& reg, DataQuery q) {
    const Resource* res = reg->dataset("debt-assistance")->resource("cases");
    return fetch_and_wait(*runtime_->connector_for(*res), make_request(reg, res, std::move(q)));
  }
  FetchOutcome fetch(DataQuery q) { return fetch(registry_, std::move(q)); }

  std::unique_ptr<testing::PgTestDatabase> db_;
  std::shared_ptr<const Registry> registry_;
  std::unique_ptr<SourceRuntime> runtime_;
};

TEST_F(PostgresConnectorTest, ListsFilteredSortedPagesWithTotal) {
  DataQuery q;
  q.page_size = 10;
  q.page = 2;
  q.filters.push_back({"municipality", FilterOp::In, {"Demostad", "Zwolle"}, "municipalityIn"});
  q.filters.push_back({"openedDate", FilterOp::Gte, {"2024-02-01"}, "openedDateGte"});
  q.sort.push_back({"debtAmount", true});
  q.include_total = true;
  auto out = fetch(q);
  ASSERT_TRUE(out.ok()) << out.error().detail;
  ASSERT_EQ(out.value().body.size(), 10u);
  EXPECT_TRUE(out.value().has_next);
  ASSERT_TRUE(out.value().total);
  // Days 31..250 (opened 2024-02-01 onwards), minus every third-but-one (the hostile name).
  EXPECT_EQ(*out.value().total, 147);
  double prev = 1e9;
  for (const auto& r : out.value().body) {
    EXPECT_NE(r["municipality"], "o'Brien; --");
    EXPECT_GE(r["openedDate"].get<std::string>(), "2024-02-01");
    EXPECT_TRUE(r["debtAmount"].is_number());
    EXPECT_LT(r["debtAmount"].get<double>(), prev);
    prev = r["debtAmount"].get<double>();
  }
  // Page 1 holds cases 250, 249, 247, 246, 244, 243, 241, 240, 238, 237 (not i % 3 == 2).
  EXPECT_DOUBLE_EQ(out.value().body[0]["debtAmount"].get<double>(), 235 * 10.5);
}

// With the id withheld, ties go by md5(key || id): the pages together still hold every row once,
// in an order that does not follow case_id and that only the key determines.
TEST_F(PostgresConnectorTest, KeyedOrderPagesStablyWithoutFollowingTheId) {
  const Resource* res = registry_->dataset("debt-assistance")->resource("cases");
  auto connector = runtime_->connector_for(*res);
  auto ids_in_order = [&](const std::string& key) {
    std::vector<std::string> ids;
    for (int page = 1; page <= 6; ++page) {
      DataQuery q;
      q.page_size = 50;
      q.page = page;
      q.sort.push_back({"status", false});
      auto request = make_request(registry_, res, q);
      request->order_key = key;
      auto out = fetch_and_wait(*connector, request);
      EXPECT_TRUE(out.ok()) << out.error().detail;
      for (const auto& r : out.value().body) ids.push_back(r["caseId"]);
    }
    return ids;
  };
  auto keyed = ids_in_order("key-one");
  ASSERT_EQ(keyed.size(), 250u);
  EXPECT_EQ(std::set<std::string>(keyed.begin(), keyed.end()).size(), 250u);
  EXPECT_EQ(ids_in_order("key-one"), keyed);
  auto plain = ids_in_order("");
  EXPECT_NE(keyed, plain);
  EXPECT_NE(ids_in_order("key-two"), keyed);
  // Still sorted by the caller's key: all "closed" before all "open".
  std::set<std::string> open_ids;
  for (const auto& id : plain) {
    if (std::stoi(id.substr(3)) % 2 == 0) open_ids.insert(id);
  }
  for (std::size_t i = 0; i < 125; ++i) EXPECT_FALSE(open_ids.count(keyed[i])) << keyed[i];
}

TEST_F(PostgresConnectorTest, TreatsHostileValuesAsData) {
  DataQuery q;
  q.filters.push_back({"municipality", FilterOp::Eq, {"o'Brien; --"}, "municipality"});
  q.include_total = true;
  auto out = fetch(q);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(*out.value().total, 83);
  DataQuery evil;
  evil.filters.push_back(
      {"status", FilterOp::StartsWith, {"%' OR 1=1; DROP TABLE debt.cases; --"}, "s"});
  auto none = fetch(evil);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none.value().body.empty());
  DataQuery all;
  all.include_total = true;
  EXPECT_EQ(*fetch(all).value().total, 250);  // the table is still there
}

TEST_F(PostgresConnectorTest, FetchesOneRecordOrNotFound) {
  DataQuery q;
  q.operation = DataOperation::Detail;
  q.id = "DA-000007";
  q.fields = {"caseId", "status"};
  auto out = fetch(q);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out.value().body, (nlohmann::json{{"caseId", "DA-000007"}, {"status", "closed"}}));
  q.id = "DA-999999' OR '1'='1";
  auto missing = fetch(q);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().status, 404);
}

TEST_F(PostgresConnectorTest, AnswersUnavailableWhenTheDatabaseCannotBeReached) {
  auto reg = with_dsn("host=127.0.0.1 port=1 dbname=nothing user=nobody");
  auto out = fetch(reg, DataQuery{});
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.error().status, 503);
  EXPECT_EQ(out.error().code, "source-unavailable");
}

TEST_F(PostgresConnectorTest, RecoversAfterItsConnectionsAreKilled) {
  ASSERT_TRUE(fetch(DataQuery{}).ok());
  // What a database restart does to pooled connections.
  db_->exec(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
      "WHERE application_name = 'bronpoort' AND datname = current_database() "
      "AND pid <> pg_backend_pid()");
  auto during = fetch(DataQuery{});
  if (!during.ok()) {
    EXPECT_EQ(during.error().status, 503);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(600));
  auto after = fetch(DataQuery{});
  EXPECT_TRUE(after.ok()) << after.error().code;
}

TEST_F(PostgresConnectorTest, AnswersTimeoutWhenAQueryRunsTooLong) {
  auto reg = with_dsn(db_->dsn(), "debt.slow_cases", 200);
  DataQuery q;
  q.page_size = 5;
  auto out = fetch(reg, q);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.error().status, 504);
  EXPECT_EQ(out.error().code, "source-timeout");
}

}  // namespace
}  // namespace bronpoort::sources
