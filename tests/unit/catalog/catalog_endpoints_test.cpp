// The publication point's endpoints as the router calls them: public answers with cache and CORS
// headers, DCAT on request, 400/404 problems for bad input.

#include "catalog_fixture.hpp"

#include <bronpoort/core/stage.hpp>

#include <gtest/gtest.h>

namespace bronpoort::catalog {
namespace {

struct Call {
  RequestContext ctx;
  std::optional<Flow> flow;
};

std::unique_ptr<Call> call(const std::string& path_template,
                           std::map<std::string, std::string> params = {},
                           std::vector<std::pair<std::string, std::string>> query = {},
                           std::string accept = {}) {
  static const auto routes =
      endpoints(std::make_shared<const CatalogModel>(testing::sample_model()));
  auto c = std::make_unique<Call>();
  c->ctx.request.method = "GET";
  c->ctx.request.query = std::move(query);
  if (!accept.empty()) c->ctx.request.headers.add("Accept", accept);
  c->ctx.route.params = std::move(params);
  for (const auto& r : routes) {
    if (r.path_template == path_template) {
      EXPECT_EQ(r.auth, AuthRequirement::None) << "metadata is public";
      r.endpoint->handle(c->ctx, [&c](Flow f) { c->flow = f; });
    }
  }
  EXPECT_TRUE(c->flow.has_value()) << "done called";
  return c;
}

TEST(CatalogEndpoints, ListsDatasetsPubliclyWithCacheAndCors) {
  auto c = call("/v1/datasets", {}, {{"category", "location"}});
  ASSERT_EQ(c->flow, Flow::Continue);
  auto body = nlohmann::json::parse(c->ctx.response.body);
  ASSERT_EQ(body["datasets"].size(), 1u);
  EXPECT_EQ(body["datasets"][0]["id"], "addresses");
  EXPECT_EQ(c->ctx.response.headers.find("Content-Type"), "application/json");
  EXPECT_EQ(c->ctx.response.headers.find("Cache-Control"), "public, max-age=60");
  EXPECT_EQ(c->ctx.response.headers.find("Access-Control-Allow-Origin"), "*");
  EXPECT_EQ(c->ctx.response.headers.find("Vary"), "Accept");
}

TEST(CatalogEndpoints, ListAnswersDcatWhenAsked) {
  auto c = call("/v1/datasets", {}, {}, "application/ld+json");
  EXPECT_EQ(c->ctx.response.headers.find("Content-Type"), "application/ld+json");
  auto body = nlohmann::json::parse(c->ctx.response.body);
  EXPECT_EQ(body["@type"], "dcat:Catalog");
  EXPECT_EQ(body["dcat:dataset"].size(), 3u);
}

TEST(CatalogEndpoints, BadFilterIs400Problem) {
  auto c = call("/v1/datasets", {}, {{"category", "animals"}});
  EXPECT_EQ(c->flow, Flow::Stop);
  ASSERT_TRUE(c->ctx.problem);
  EXPECT_EQ(c->ctx.problem->status, 400);
}

TEST(CatalogEndpoints, DatasetDetailAndDcat) {
  auto c = call("/v1/datasets/{dataset}", {{"dataset", "sewage-surveillance"}});
  ASSERT_EQ(c->flow, Flow::Continue);
  auto body = nlohmann::json::parse(c->ctx.response.body);
  EXPECT_EQ(body["resources"][0]["links"]["record"],
            "/v1/datasets/sewage-surveillance/measurements/{measurementId}");
  auto ld = call("/v1/datasets/{dataset}", {{"dataset", "sewage-surveillance"}}, {},
                 "application/ld+json");
  EXPECT_EQ(nlohmann::json::parse(ld->ctx.response.body)["@type"], "dcat:Dataset");
}

TEST(CatalogEndpoints, UnknownDatasetIs404AndMalformedIdIs400) {
  auto c = call("/v1/datasets/{dataset}", {{"dataset", "parcels"}});
  ASSERT_TRUE(c->ctx.problem);
  EXPECT_EQ(c->ctx.problem->status, 404);
  EXPECT_EQ(c->ctx.problem->code, "dataset-unknown");
  for (const std::string& bad :
       std::vector<std::string>{"Persons", "../etc", std::string(100, 'a'), "<script>"}) {
    auto b = call("/v1/datasets/{dataset}", {{"dataset", bad}});
    ASSERT_TRUE(b->ctx.problem) << bad;
    EXPECT_EQ(b->ctx.problem->status, 400) << bad;
    EXPECT_EQ(b->ctx.problem->detail.find(bad), std::string::npos) << "input not echoed";
  }
  auto q = call("/v1/datasets/{dataset}", {{"dataset", "persons"}}, {{"x", "1"}});
  ASSERT_TRUE(q->ctx.problem);
  EXPECT_EQ(q->ctx.problem->status, 400);
}

TEST(CatalogEndpoints, OpenApiDocumentIsPublicAndCorsOpen) {
  auto c = call("/v1/openapi.json");
  ASSERT_EQ(c->flow, Flow::Continue);
  EXPECT_EQ(c->ctx.response.headers.find("Access-Control-Allow-Origin"), "*");
  EXPECT_EQ(c->ctx.response.headers.find("Cache-Control"), "public, max-age=60");
  auto doc = nlohmann::json::parse(c->ctx.response.body);
  EXPECT_EQ(doc["openapi"], "3.0.3");
  EXPECT_TRUE(doc["paths"].contains("/datasets/persons/persons"));
}

}  // namespace
}  // namespace bronpoort::catalog
