// The same query gives the same answer whether a resource is behind HTTP or PostgreSQL: the demo
// persons are served by the demo source and, copied, from a PostgreSQL table; both connectors
// answer a set of queries and the answers are compared record for record.
#include "registry_fixture.hpp"
#include "source_fixtures.hpp"

#include <bronpoort/sources/runtime.hpp>

#include <gtest/gtest.h>

namespace bronpoort::sources {
namespace {

using testing::fetch_and_wait;
using testing::make_request;

TEST(ConnectorParity, HttpAndPostgresGiveTheSameAnswers) {
  BRONPOORT_REQUIRE_PG_OR_SKIP();
  testing::DemoSourceProcess demo(1500);
  ASSERT_TRUE(demo.running());
  testing::PgTestDatabase db;

  auto reg = std::make_shared<Registry>(*testing::demo_registry());
  Dataset& ds = const_cast<Dataset&>(*reg->dataset("persons"));
  ds.resources.push_back(ds.resources[0]);
  Resource& over_http = ds.resources[0];
  Resource& over_pg = ds.resources[1];
  over_http.connector.http.port = std::to_string(demo.port());
  over_pg.id = "persons-pg";
  over_pg.connector.kind = ConnectorConfig::Kind::Postgres;
  over_pg.connector.postgres.dsn = db.dsn();
  over_pg.connector.postgres.table = "brp.persons";
  over_pg.connector.postgres.columns = {{"bsn", "bsn"},
                                        {"givenName", "given_name"},
                                        {"familyName", "family_name"},
                                        {"birthDate", "birth_date"},
                                        {"addressId", "address_id"},
                                        {"municipality", "municipality"}};
  SourceRuntime runtime;
  auto http = runtime.connector_for(over_http);
  auto pg = runtime.connector_for(over_pg);

  // Copy every demo person into PostgreSQL.
  DataQuery everything;
  everything.page_size = 5000;
  auto all = fetch_and_wait(*http, make_request(reg, &over_http, everything));
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all.value().body.size(), 1500u);
  std::string sql =
      "CREATE SCHEMA brp; CREATE TABLE brp.persons (bsn text PRIMARY KEY, given_name text, "
      "family_name text, birth_date date, address_id text, municipality text); "
      "INSERT INTO brp.persons SELECT * FROM json_to_recordset('" +
      [&] {
        std::string s = all.value().body.dump();
        std::string escaped;
        for (char c : s) escaped += (c == '\'') ? std::string("''") : std::string(1, c);
        return escaped;
      }() +
      "') AS x(bsn text, \"givenName\" text, \"familyName\" text, \"birthDate\" date, "
      "\"addressId\" text, municipality text)";
  db.exec(sql);

  std::vector<DataQuery> queries;
  {
    DataQuery q;  // default order, a middle page, with total
    q.page = 4;
    q.page_size = 25;
    q.include_total = true;
    queries.push_back(q);
  }
  {
    DataQuery q;  // multi-key sort with non-ASCII names and prefixes
    q.sort = {{"familyName", false}, {"birthDate", true}};
    q.page_size = 40;
    q.page = 2;
    queries.push_back(q);
  }
  {
    DataQuery q;  // ranges on dates, in-list, prefix, selection
    q.filters = {{"birthDate", FilterOp::Gte, {"1960-01-01"}, "a"},
                 {"birthDate", FilterOp::Lt, {"1990-06-15"}, "b"},
                 {"municipality", FilterOp::In, {"Utrecht", "Den Haag", "Zwolle"}, "c"},
                 {"familyName", FilterOp::StartsWith, {"van"}, "d"}};
    q.sort = {{"municipality", true}};
    q.fields = {"bsn", "familyName", "municipality"};
    q.include_total = true;
    q.page_size = 100;
    queries.push_back(q);
  }
  {
    DataQuery q;  // an equality filter (the demo source's index) with another filter and ties
    q.filters = {{"municipality", FilterOp::Eq, {"Utrecht"}, "a"},
                 {"birthDate", FilterOp::Gte, {"1970-01-01"}, "b"}};
    q.sort = {{"familyName", false}};
    q.page = 2;
    q.page_size = 30;
    q.include_total = true;
    queries.push_back(q);
  }
  {
    DataQuery q;  // an equality filter that matches nothing
    q.filters = {{"municipality", FilterOp::Eq, {"Nergenshuizen"}, "a"}};
    q.include_total = true;
    queries.push_back(q);
  }
  {
    DataQuery q;  // string ranges compare byte-wise on both sides
    q.filters = {{"familyName", FilterOp::Gt, {"de Vries"}, "a"}};
    q.sort = {{"familyName", false}};
    q.include_total = true;
    queries.push_back(q);
  }
  {
    DataQuery q;  // beyond the last page
    q.page = 1000;
    q.include_total = true;
    queries.push_back(q);
  }
  for (std::size_t i = 0; i < queries.size(); ++i) {
    auto a = fetch_and_wait(*http, make_request(reg, &over_http, queries[i]));
    auto b = fetch_and_wait(*pg, make_request(reg, &over_pg, queries[i]));
    ASSERT_TRUE(a.ok()) << i << " " << a.error().detail;
    ASSERT_TRUE(b.ok()) << i << " " << b.error().detail;
    EXPECT_EQ(a.value().body, b.value().body) << "query " << i;
    EXPECT_EQ(a.value().total, b.value().total) << "query " << i;
    EXPECT_EQ(a.value().has_next, b.value().has_next) << "query " << i;
  }
  DataQuery detail;
  detail.operation = DataOperation::Detail;
  detail.id = all.value().body[777]["bsn"].get<std::string>();
  EXPECT_EQ(fetch_and_wait(*http, make_request(reg, &over_http, detail)).value().body,
            fetch_and_wait(*pg, make_request(reg, &over_pg, detail)).value().body);
}

}  // namespace
}  // namespace bronpoort::sources
