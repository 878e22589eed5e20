// The data route resolver and the fetch stage as the pipeline uses them: path to route, query to
// DataQuery, fetch to ctx.result, data subjects and paging links.
#include "registry_fixture.hpp"
#include "source_fixtures.hpp"

#include <bronpoort/sources/data_route.hpp>
#include <bronpoort/sources/fetch_stage.hpp>

#include <gtest/gtest.h>

#include <future>

namespace bronpoort::sources {
namespace {

TEST(DataRoute, ResolvesListDetailAndSearch) {
  auto reg = testing::demo_registry();
  auto list = resolve_data_route(*reg, {"v1", "datasets", "debt-assistance", "cases"}, "GET");
  ASSERT_TRUE(list.ok() && list.value());
  const auto& m = *list.value();
  EXPECT_EQ(m.kind, RouteKind::Data);
  EXPECT_EQ(m.operation, DataOperation::List);
  EXPECT_EQ(m.id_field, "caseId");
  EXPECT_EQ(m.subject_field, "bsn");
  EXPECT_EQ(m.subject_type, "BSN");
  EXPECT_EQ(m.owner_organisation, "00000099000000000005");
  EXPECT_EQ(m.name, "/v1/datasets/{dataset}/{resource}");
  auto detail = resolve_data_route(*reg, {"v1", "datasets", "addresses", "addresses", "x1"}, "GET");
  EXPECT_EQ(detail.value()->params.at("id"), "x1");
  auto search =
      resolve_data_route(*reg, {"v1", "datasets", "persons", "persons", "search"}, "POST");
  EXPECT_EQ(search.value()->operation, DataOperation::Search);
}

TEST(DataRoute, LeavesOtherPathsAndRefusesUnknownOnes) {
  auto reg = testing::demo_registry();
  EXPECT_FALSE(resolve_data_route(*reg, {"v1", "datasets"}, "GET").value());
  EXPECT_FALSE(resolve_data_route(*reg, {"v1", "datasets", "persons"}, "GET").value());
  auto ds = resolve_data_route(*reg, {"v1", "datasets", "cars", "x"}, "GET").error();
  EXPECT_EQ(ds.status, 404);
  EXPECT_EQ(ds.code, "dataset-not-found");
  auto res = resolve_data_route(*reg, {"v1", "datasets", "persons", "x"}, "GET").error();
  EXPECT_EQ(res.code, "resource-not-found");
  auto method =
      resolve_data_route(*reg, {"v1", "datasets", "persons", "persons", "search"}, "GET").error();
  EXPECT_EQ(method.status, 405);
}

TEST(DataRoute, ResolverParsesTheQueryIntoTheContext) {
  auto resolver = make_data_route_resolver(testing::demo_registry());
  // Without a verified identity nothing of the query is read: the router answers 401 first.
  RequestContext anonymous;
  anonymous.request.method = "GET";
  ASSERT_TRUE(parse_query("bsn=123456782", anonymous.request.query));
  EXPECT_TRUE(resolver({"v1", "datasets", "persons", "persons"}, anonymous));
  EXPECT_FALSE(anonymous.problem);
  EXPECT_EQ(anonymous.route.kind, RouteKind::Data);
  EXPECT_TRUE(anonymous.query.filters.empty());
  RequestContext ctx;
  ctx.identity.authenticated = true;
  ctx.request.method = "GET";
  ASSERT_TRUE(parse_query("bsn=123456782", ctx.request.query));
  EXPECT_TRUE(resolver({"v1", "datasets", "persons", "persons"}, ctx));
  ASSERT_TRUE(ctx.problem);
  EXPECT_EQ(ctx.problem->code, "sensitive-in-uri");
  RequestContext ok;
  ok.identity.authenticated = true;
  ok.request.method = "GET";
  ASSERT_TRUE(parse_query("municipality=Zwolle&pageSize=5", ok.request.query));
  EXPECT_TRUE(resolver({"v1", "datasets", "persons", "persons"}, ok));
  EXPECT_FALSE(ok.problem);
  EXPECT_EQ(ok.query.page_size, 5);
  EXPECT_EQ(ok.route.dataset, "persons");
  RequestContext other;
  EXPECT_FALSE(resolver({"v1", "purposes"}, other));
}

class FetchStageTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { demo_ = new testing::DemoSourceProcess(1000); }
  static void TearDownTestSuite() {
    delete demo_;
    demo_ = nullptr;
  }
  void SetUp() override {
    ASSERT_TRUE(demo_->running());
    auto reg = std::make_shared<Registry>(*testing::demo_registry());
    for (auto& ds : reg->datasets) {
      for (auto& r : ds.resources) r.connector.http.port = std::to_string(demo_->port());
    }
    registry_ = reg;
    runtime_ = std::make_shared<SourceRuntime>();
    stage_ = make_fetch_stage(registry_, runtime_);
    resolver_ = make_data_route_resolver(registry_);
  }
  // Resolves and fetches like the pipeline does; returns the stage's flow.
  Flow run(RequestContext& ctx, const std::vector<std::string>& segments) {
    ctx.identity.authenticated = true;  // the authenticate stage's part
    EXPECT_TRUE(resolver_(segments, ctx));
    if (ctx.problem) return Flow::Stop;
    std::promise<Flow> done;
    stage_->run(ctx, [&](Flow f) { done.set_value(f); });
    auto fut = done.get_future();
    EXPECT_EQ(fut.wait_for(std::chrono::seconds(20)), std::future_status::ready);
    return fut.get();
  }

  static testing::DemoSourceProcess* demo_;
  std::shared_ptr<const Registry> registry_;
  std::shared_ptr<SourceRuntime> runtime_;
  std::shared_ptr<const Stage> stage_;
  std::function<bool(const std::vector<std::string>&, RequestContext&)> resolver_;
};

testing::DemoSourceProcess* FetchStageTest::demo_ = nullptr;

TEST_F(FetchStageTest, FillsResultSubjectsAndPagingLinks) {
  RequestContext ctx;
  ctx.request.method = "GET";
  ctx.request.path = "/v1/datasets/persons/persons";
  ASSERT_TRUE(
      parse_query("municipality=Utrecht&fields=familyName&page=2&pageSize=3&includeTotal=true",
                  ctx.request.query));
  ASSERT_EQ(run(ctx, {"v1", "datasets", "persons", "persons"}), Flow::Continue);
  EXPECT_TRUE(ctx.result.fetched);
  ASSERT_EQ(ctx.result.body.size(), 3u);
  // The subject field was fetched for the log but is not returned: only familyName was asked.
  for (const auto& r : ctx.result.body) EXPECT_EQ(r.size(), 1u) << r;
  ASSERT_EQ(ctx.data_subjects.size(), 3u);
  EXPECT_EQ(ctx.data_subjects[0].type, "BSN");
  EXPECT_EQ(ctx.data_subjects[0].id.size(), 9u);
  auto link = ctx.response.headers.find("Link");
  ASSERT_TRUE(link);
  EXPECT_NE(link->find("page=3>; rel=\"next\""), std::string::npos) << *link;
  EXPECT_NE(link->find("page=1>; rel=\"prev\""), std::string::npos) << *link;
  auto body = data_response_body(ctx);
  EXPECT_EQ(body["_embedded"]["persons"].size(), 3u);
  EXPECT_EQ(body["page"], 2);
  EXPECT_EQ(body["pageSize"], 3);
  EXPECT_TRUE(body.contains("total"));
  EXPECT_EQ(body["_links"]["next"]["href"],
            "/v1/datasets/persons/persons?municipality=Utrecht&fields=familyName&pageSize=3&"
            "includeTotal=true&page=3");
}

TEST_F(FetchStageTest, SearchesByBsnAndRecordsTheSubject) {
  RequestContext first;
  first.request.method = "GET";
  ASSERT_EQ(run(first, {"v1", "datasets", "persons", "persons"}), Flow::Continue);
  std::string bsn = first.result.body[0]["bsn"].get<std::string>();
  RequestContext ctx;
  ctx.request.method = "POST";
  ctx.request.path = "/v1/datasets/persons/persons/search";
  ctx.request.body = R"({"filters": {"bsn": {"eq": ")" + bsn + R"("}}})";
  ASSERT_EQ(run(ctx, {"v1", "datasets", "persons", "persons", "search"}), Flow::Continue);
  ASSERT_EQ(ctx.result.body.size(), 1u);
  ASSERT_EQ(ctx.data_subjects.size(), 1u);
  EXPECT_EQ(ctx.data_subjects[0].id, bsn);
  EXPECT_FALSE(ctx.response.headers.find("Link"));
  EXPECT_EQ(data_response_body(ctx)["_links"]["self"]["method"], "POST");
}

TEST_F(FetchStageTest, StopsWithTheConnectorsProblem) {
  demo_->set_fault("error500");
  RequestContext ctx;
  ctx.request.method = "GET";
  Flow f = run(ctx, {"v1", "datasets", "businesses", "businesses", "10000007"});
  demo_->set_fault("none");
  EXPECT_EQ(f, Flow::Stop);
  ASSERT_TRUE(ctx.problem);
  EXPECT_EQ(ctx.problem->status, 502);
  EXPECT_FALSE(ctx.result.fetched);
}

}  // namespace
}  // namespace bronpoort::sources
