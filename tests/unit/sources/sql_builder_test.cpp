// SQL generation for the PostgreSQL connector: values only ever travel as bind parameters and
// identifiers only ever come quoted from the registry, whatever the request contains.
#include "registry_fixture.hpp"

#include <bronpoort/sources/query_parser.hpp>
#include <bronpoort/sources/sql_builder.hpp>

#include <gtest/gtest.h>

namespace bronpoort::sources {
namespace {

class SqlBuilderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    registry_ = testing::demo_registry();
    ASSERT_TRUE(registry_);
    cases_ = registry_->dataset("debt-assistance")->resource("cases");
  }
  SqlPlan build(const DataQuery& q, std::vector<std::string> fields = {}) {
    auto plan = build_sql(*cases_, q, fields);
    EXPECT_TRUE(plan.ok()) << plan.error();
    return plan.ok() ? plan.value() : SqlPlan{};
  }
  std::shared_ptr<const Registry> registry_;
  const Resource* cases_ = nullptr;
};

TEST_F(SqlBuilderTest, ListsWithStableOrderAndOneExtraRow) {
  DataQuery q;
  q.page = 3;
  q.page_size = 10;
  auto plan = build(q);
  EXPECT_EQ(plan.select.text,
            "SELECT \"bsn\"::text AS \"c0\", \"case_id\"::text AS \"c1\", \"debt_amount\"::text "
            "AS \"c2\", \"municipality\"::text AS \"c3\", to_char(\"opened_date\", 'YYYY-MM-DD') "
            "AS \"c4\", \"status\"::text AS \"c5\" "
            "FROM \"debt\".\"cases\" ORDER BY \"case_id\" COLLATE \"C\" ASC "
            "LIMIT $1::bigint OFFSET $2::bigint");
  EXPECT_EQ(plan.select.params, (std::vector<std::string>{"11", "20"}));
  EXPECT_FALSE(plan.count);
  ASSERT_EQ(plan.columns.size(), 6u);
  EXPECT_EQ(plan.columns[0]->name, "bsn");
}

TEST_F(SqlBuilderTest, FiltersSortsAndCountsWithParameters) {
  DataQuery q;
  q.filters.push_back({"municipality", FilterOp::In, {"Demostad", "Oost"}, "municipalityIn"});
  q.filters.push_back({"openedDate", FilterOp::Gte, {"2024-01-01"}, "openedDateGte"});
  q.filters.push_back({"debtAmount", FilterOp::Lt, {1000.5}, "debtAmountLt"});
  q.filters.push_back({"caseId", FilterOp::StartsWith, {"DA-00"}, "caseIdStartsWith"});
  q.sort.push_back({"openedDate", true});
  q.include_total = true;
  auto plan = build(q, {"caseId", "status"});
  EXPECT_EQ(plan.select.text,
            "SELECT \"case_id\"::text AS \"c0\", \"status\"::text AS \"c1\" FROM "
            "\"debt\".\"cases\" WHERE "
            "\"municipality\" COLLATE \"C\" IN ($1::text, $2::text) AND \"opened_date\" >= "
            "$3::date AND \"debt_amount\" < $4::numeric AND starts_with(\"case_id\", $5::text) "
            "ORDER BY \"opened_date\" DESC, \"case_id\" COLLATE \"C\" ASC "
            "LIMIT $6::bigint OFFSET $7::bigint");
  EXPECT_EQ(plan.select.params, (std::vector<std::string>{"Demostad", "Oost", "2024-01-01",
                                                          "1000.5", "DA-00", "21", "0"}));
  ASSERT_TRUE(plan.count);
  EXPECT_EQ(plan.count->text.substr(0, 45), "SELECT count(*) FROM \"debt\".\"cases\" WHERE \"mu");
  EXPECT_EQ(plan.count->params.size(), 5u);  // no paging parameters in the count
}

TEST_F(SqlBuilderTest, OrdersTiesByAKeyedHashWhenTheIdIsWithheld) {
  DataQuery q;
  q.sort.push_back({"status", false});
  auto plan = build_sql(*cases_, q, {}, "k3y'); DROP TABLE x; --");
  ASSERT_TRUE(plan.ok()) << plan.error();
  // The key travels as a parameter, the id stays last for stability on (unlikely) md5 ties.
  EXPECT_NE(plan.value().select.text.find("ORDER BY \"status\" COLLATE \"C\" ASC, md5($1::text || "
                                          "\"case_id\"::text) ASC, \"case_id\" COLLATE \"C\" ASC "
                                          "LIMIT $2::bigint OFFSET $3::bigint"),
            std::string::npos)
      << plan.value().select.text;
  EXPECT_EQ(plan.value().select.text.find("DROP"), std::string::npos);
  EXPECT_EQ(plan.value().select.params.front(), "k3y'); DROP TABLE x; --");
  // A detail has no order; without a key the id alone breaks ties.
  EXPECT_EQ(build(q).select.text.find("md5"), std::string::npos);
}

TEST_F(SqlBuilderTest, KeepsHostileValuesOutOfTheSqlText) {
  const std::string hostile = "x'); DROP TABLE debt.cases; --\"\\";
  DataQuery q;
  q.filters.push_back({"municipality", FilterOp::Eq, {hostile}, "municipality"});
  q.filters.push_back({"status", FilterOp::StartsWith, {"%_'"}, "statusStartsWith"});
  auto plan = build(q);
  EXPECT_EQ(plan.select.text.find("DROP"), std::string::npos);
  EXPECT_EQ(plan.select.text.find("%"), std::string::npos);
  EXPECT_EQ(plan.select.params[0], hostile);
  EXPECT_EQ(plan.select.params[1], "%_'");
}

TEST_F(SqlBuilderTest, DetailSelectsOneRowByItsId) {
  DataQuery q;
  q.operation = DataOperation::Detail;
  q.id = "DA-000001' OR '1'='1";
  auto plan = build(q);
  EXPECT_NE(plan.select.text.find("WHERE \"case_id\" = $1::text LIMIT $2::bigint OFFSET $3"),
            std::string::npos)
      << plan.select.text;
  EXPECT_EQ(plan.select.params[0], q.id);
  EXPECT_EQ(plan.limit, 1);
}

TEST_F(SqlBuilderTest, QuotesHostileIdentifiersFromTheRegistry) {
  EXPECT_EQ(quote_identifier("a\"b"), "\"a\"\"b\"");
  EXPECT_EQ(quote_identifier("x\"; DROP TABLE t; --"), "\"x\"\"; DROP TABLE t; --\"");
  EXPECT_EQ(quote_table("s.t"), "\"s\".\"t\"");
  // A resource whose field names are not plain identifiers: the builder still only quotes.
  Resource r = *cases_;
  r.fields[0].name = "bsn\"--";  // fields are in schema (name) order
  r.connector.postgres.columns["bsn\"--"] = "weird\"col";
  DataQuery q;
  q.sort.push_back({"bsn\"--", false});
  auto plan = build_sql(r, q, {});
  ASSERT_TRUE(plan.ok()) << plan.error();
  EXPECT_NE(plan.value().select.text.find("\"weird\"\"col\"::text AS \"c0\""), std::string::npos);
  EXPECT_NE(plan.value().select.text.find("ORDER BY \"weird\"\"col\" COLLATE \"C\" ASC"),
            std::string::npos);
}

TEST_F(SqlBuilderTest, RefusesFieldsTheResourceDoesNotHave) {
  DataQuery q;
  q.filters.push_back({"1=1; --", FilterOp::Eq, {"x"}, "x"});
  EXPECT_EQ(build_sql(*cases_, q, {}).error(), "filter on unknown field");
  DataQuery q2;
  q2.sort.push_back({"pg_sleep(10)", false});
  EXPECT_EQ(build_sql(*cases_, q2, {}).error(), "sort on unknown field");
  EXPECT_EQ(build_sql(*cases_, DataQuery{}, {"password"}).error(),
            "field selection names an unknown field");
}

TEST_F(SqlBuilderTest, BuildsWhatTheParserAccepted) {
  HttpRequest req;
  req.method = "POST";
  req.body = R"({"filters": {"bsn": {"eq": "123456782"}}, "includeTotal": true, "pageSize": 5})";
  auto parsed = parse_data_query(*cases_, req, DataOperation::Search);
  ASSERT_TRUE(std::holds_alternative<DataQuery>(parsed));
  auto plan = build(std::get<DataQuery>(parsed));
  EXPECT_NE(plan.select.text.find("WHERE \"bsn\" COLLATE \"C\" = $1::text"), std::string::npos);
  EXPECT_EQ(plan.select.params, (std::vector<std::string>{"123456782", "6", "0"}));
}

}  // namespace
}  // namespace bronpoort::sources
