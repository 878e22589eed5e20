#include <bronpoort/pipeline/endpoint_stage.hpp>
#include <bronpoort/pipeline/operations.hpp>
#include <bronpoort/pipeline/organisation_limit_stage.hpp>
#include <bronpoort/pipeline/route_stage.hpp>

#include <gtest/gtest.h>

namespace bronpoort::pipeline {
namespace {

class NamedEndpoint final : public Endpoint {
 public:
  void handle(RequestContext&, Resume done) const override { done(Flow::Continue); }
};

RouteTable table() {
  RouteTable t;
  auto e = std::make_shared<NamedEndpoint>();
  EXPECT_FALSE(t.add({"GET", "/v1/access-requests/{id}", AuthRequirement::Required, e}));
  EXPECT_FALSE(t.add({"POST", "/v1/access-requests/{id}/approve", AuthRequirement::Required, e}));
  EXPECT_FALSE(t.add({"POST", "/v1/access-requests/{id}/{action}", AuthRequirement::Required, e}));
  EXPECT_FALSE(t.add({"GET", "/healthz", AuthRequirement::None, e}));
  return t;
}

RequestContext request(std::string method, std::string path, bool authenticated = true) {
  RequestContext ctx;
  ctx.request.method = std::move(method);
  ctx.request.path = std::move(path);
  ctx.identity.authenticated = authenticated;
  return ctx;
}

TEST(Router, MatchesTemplateAndExtractsParameters) {
  RouteStage stage(table(), {});
  auto ctx = request("GET", "/v1/access-requests/42");
  EXPECT_EQ(stage.process(ctx), Flow::Continue);
  EXPECT_EQ(ctx.route.kind, RouteKind::Endpoint);
  EXPECT_EQ(ctx.route.name, "/v1/access-requests/{id}");
  EXPECT_EQ(ctx.route.params["id"], "42");
}

TEST(Router, MostSpecificTemplateWins) {
  RouteStage stage(table(), {});
  auto ctx = request("POST", "/v1/access-requests/42/approve");
  EXPECT_EQ(stage.process(ctx), Flow::Continue);
  EXPECT_EQ(ctx.route.name, "/v1/access-requests/{id}/approve");
}

TEST(Router, WrongMethodGets405WithAllow) {
  RouteStage stage(table(), {});
  auto ctx = request("DELETE", "/v1/access-requests/42");
  EXPECT_EQ(stage.process(ctx), Flow::Stop);
  EXPECT_EQ(ctx.problem->status, 405);
  EXPECT_EQ(*ctx.response.headers.find("Allow"), "GET");
}

TEST(Router, TrailingSlashDotSegmentsAndUnknownPathsGet404) {
  RouteStage stage(table(), {});
  for (const char* path : {"/healthz/", "/v1//access-requests", "/v1/../healthz", "/nope", ""}) {
    auto ctx = request("GET", path);
    EXPECT_EQ(stage.process(ctx), Flow::Stop) << path;
    EXPECT_EQ(ctx.problem->status, 404) << path;
  }
}

TEST(Router, RequiredTokenMissingGets401WithChallenge) {
  RouteStage stage(table(), {});
  auto ctx = request("GET", "/v1/access-requests/1", false);
  EXPECT_EQ(stage.process(ctx), Flow::Stop);
  EXPECT_EQ(ctx.problem->status, 401);
  EXPECT_EQ(ctx.problem->code, "token-missing");
  EXPECT_EQ(*ctx.response.headers.find("WWW-Authenticate"), "Bearer realm=\"bronpoort\"");
  auto open = request("GET", "/healthz", false);
  EXPECT_EQ(stage.process(open), Flow::Continue);
}

// The route stage is the one owner of "this route needs a token": a data route (every one needs
// a token) is refused here as an endpoint is, before the access stage is reached.
TEST(Router, DataRouteWithoutTokenGetsTheSame401) {
  RouteStage stage(table(), [](const std::vector<std::string>& seg, RequestContext& ctx) {
    if (seg.size() < 4 || seg[1] != "datasets") return false;
    ctx.route.kind = RouteKind::Data;
    ctx.route.auth = AuthRequirement::Required;
    return true;
  });
  auto ctx = request("GET", "/v1/datasets/persons/persons", false);
  EXPECT_EQ(stage.process(ctx), Flow::Stop);
  EXPECT_EQ(ctx.problem->status, 401);
  EXPECT_EQ(ctx.problem->code, "token-missing");
  EXPECT_EQ(*ctx.response.headers.find("WWW-Authenticate"), "Bearer realm=\"bronpoort\"");
}

TEST(Router, DataResolverHandlesDataPathsAndLeavesThePurposeToTheAccessStage) {
  RouteStage stage(table(), [](const std::vector<std::string>& seg, RequestContext& ctx) {
    if (seg.size() < 4 || seg[1] != "datasets") return false;
    ctx.route.kind = RouteKind::Data;
    ctx.route.name = "/v1/datasets/{dataset}/{resource}";
    ctx.route.dataset = seg[2];
    return true;
  });
  auto ctx = request("GET", "/v1/datasets/persons/persons");
  ctx.request.headers.add("Processing-Purpose", "schuldhulp");
  EXPECT_EQ(stage.process(ctx), Flow::Continue);
  EXPECT_EQ(ctx.route.kind, RouteKind::Data);
  EXPECT_EQ(ctx.route.dataset, "persons");
  // The stated purpose has one reader (core/purpose_id.hpp, used by the access stage); the router
  // keeps no raw copy of the header.
  EXPECT_EQ(ctx.purpose_id, "");
}

// A token refused at authentication: the request is still routed (so the processing log can record
// the attempt against its dataset), the refusal is kept, and the endpoint is not selected.
TEST(Router, RoutesARequestRefusedAtAuthenticationWithoutLiftingTheRefusal) {
  RouteStage stage(table(), [](const std::vector<std::string>& seg, RequestContext& ctx) {
    if (seg.size() < 4 || seg[1] != "datasets") return false;
    ctx.route.kind = RouteKind::Data;
    ctx.route.dataset = seg[2];
    ctx.fail(make_problem(400, "invalid-query", "also wrong"));  // routing finds more wrong
    return true;
  });
  EXPECT_TRUE(stage.runs_after_refusal());
  auto data = request("GET", "/v1/datasets/persons/persons", false);
  data.request.headers.add("Processing-Purpose", "schuldhulp");
  data.fail(make_problem(401, "token-expired", "expired"));
  EXPECT_EQ(stage.process(data), Flow::Stop);
  EXPECT_EQ(data.route.kind, RouteKind::Data);
  EXPECT_EQ(data.route.dataset, "persons");
  EXPECT_EQ(data.purpose_id, "schuldhulp");
  EXPECT_EQ(data.problem->code, "token-expired");

  // The purpose header is unchecked text: only a purpose id is kept for the record.
  auto junk = request("GET", "/v1/datasets/persons/persons", false);
  junk.request.headers.add("Processing-Purpose", "123456782 please");
  junk.fail(make_problem(401, "token-invalid", "bad"));
  stage.process(junk);
  EXPECT_EQ(junk.purpose_id, "");

  auto endpoint = request("POST", "/v1/access-requests/4/approve", false);
  endpoint.fail(make_problem(401, "token-invalid", "bad"));
  EXPECT_EQ(stage.process(endpoint), Flow::Stop);
  EXPECT_EQ(endpoint.route.name, "/v1/access-requests/{id}/approve");
  EXPECT_EQ(endpoint.route.endpoint, nullptr);
  EXPECT_EQ(endpoint.problem->code, "token-invalid");

  // Other refusals before routing (429 from the organisation limit) are not routed.
  auto busy = request("GET", "/v1/datasets/persons/persons");
  busy.fail(make_problem(429, "too-many-requests", "busy"));
  EXPECT_EQ(stage.process(busy), Flow::Stop);
  EXPECT_EQ(busy.route.kind, RouteKind::None);
}

TEST(Router, DuplicateTemplateIsRejected) {
  RouteTable t;
  auto e = std::make_shared<NamedEndpoint>();
  EXPECT_FALSE(t.add({"GET", "/v1/x/{a}", AuthRequirement::None, e}));
  EXPECT_TRUE(t.add({"GET", "/v1/x/{a}", AuthRequirement::None, e}));
  EXPECT_TRUE(t.add({"GET", "relative", AuthRequirement::None, e}));
}

TEST(OrganisationLimiter, RefusesOverLimitAndReleasesOnCompletion) {
  auto limiter = std::make_shared<OrganisationLimiter>();
  OrganisationLimitStage stage(limiter, 2);
  auto make = [] {
    RequestContext ctx;
    ctx.identity.authenticated = true;
    ctx.identity.organisation = "00000001001234567000";
    return ctx;
  };
  auto a = make(), b = make(), c = make();
  EXPECT_EQ(stage.process(a), Flow::Continue);
  EXPECT_EQ(stage.process(b), Flow::Continue);
  EXPECT_EQ(stage.process(c), Flow::Stop);
  EXPECT_EQ(c.problem->status, 429);
  EXPECT_TRUE(c.response.headers.find("Retry-After"));
  a.holds.clear();  // request a finished
  auto d = make();
  EXPECT_EQ(stage.process(d), Flow::Continue);
  auto other = make();
  other.identity.organisation = "00000001009999999000";
  EXPECT_EQ(stage.process(other), Flow::Continue);  // limits are per organisation
}

}  // namespace
}  // namespace bronpoort::pipeline
