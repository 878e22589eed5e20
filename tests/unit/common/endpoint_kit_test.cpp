#include <bronpoort/common/endpoint_kit.hpp>

#include <gtest/gtest.h>

#include <stdexcept>

namespace bronpoort::common {
namespace {

TEST(EndpointKit, RespondSetsAJsonBodyAndContinues) {
  RequestContext ctx;
  std::optional<Flow> flow;
  respond(ctx, 201, {{"id", "ar-1"}, {"bad", std::string("\xff")}}, [&](Flow f) { flow = f; });
  EXPECT_EQ(flow, Flow::Continue);
  EXPECT_EQ(ctx.response.status, 201);
  EXPECT_EQ(ctx.response.headers.find("Content-Type").value_or(""), "application/json");
  // Invalid UTF-8 is replaced, never thrown.
  EXPECT_EQ(ctx.response.body, "{\"bad\":\"\xEF\xBF\xBD\",\"id\":\"ar-1\"}");
}

TEST(EndpointKit, RefuseSetsTheProblemAndStops) {
  RequestContext ctx;
  std::optional<Flow> flow;
  refuse(ctx, make_problem(404, "grant-not-found", "No such grant."), [&](Flow f) { flow = f; });
  EXPECT_EQ(flow, Flow::Stop);
  ASSERT_TRUE(ctx.problem);
  EXPECT_EQ(ctx.problem->code, "grant-not-found");
}

TEST(EndpointKit, ListsEveryUnknownQueryParameter) {
  HttpRequest request;
  request.query = {{"state", "pending"}, {"colour", "red"}, {"page", "2"}, {"size", "9"}};
  EXPECT_FALSE(unknown_query_params(request, {"state", "colour", "page", "size"}));
  auto p = unknown_query_params(request, {"state", "page"});
  ASSERT_TRUE(p);
  EXPECT_EQ(p->status, 400);
  EXPECT_EQ(p->code, "unknown-parameter");
  ASSERT_EQ(p->invalid_params.size(), 2u);
  EXPECT_EQ(p->invalid_params[0].name, "colour");
  EXPECT_EQ(p->invalid_params[1].name, "size");
  auto custom = unknown_query_params(request, {}, make_problem(400, "invalid-query", "None."));
  ASSERT_TRUE(custom);
  EXPECT_EQ(custom->code, "invalid-query");
  EXPECT_EQ(custom->invalid_params.size(), 4u);
  EXPECT_FALSE(unknown_query_params(HttpRequest{}, {}));
}

// Runs what is posted at once, on the caller's thread.
class InlineExecutor final : public BlockingExecutor {
 public:
  void post(std::function<void()> work) override {
    ++posted;
    work();
  }
  int posted = 0;
};

TEST(EndpointKit, OffIoRunsTheWorkOnTheExecutor) {
  InlineExecutor executor;
  RequestContext ctx;
  std::optional<Flow> flow;
  off_io(
      executor, ctx, [&](Flow f) { flow = f; },
      [](RequestContext& c, Resume& done) {
        respond(c, 200, {{"ok", true}}, done);
      },
      make_problem(503, "store-unavailable", "down"));
  EXPECT_EQ(executor.posted, 1);
  EXPECT_EQ(flow, Flow::Continue);
  EXPECT_EQ(ctx.response.body, "{\"ok\":true}");
}

TEST(EndpointKit, OffIoTurnsAThrowIntoTheGivenProblemWithoutItsText) {
  InlineExecutor executor;
  RequestContext ctx;
  int calls = 0;
  Flow last = Flow::Continue;
  off_io(
      executor, ctx,
      [&](Flow f) {
        ++calls;
        last = f;
      },
      [](RequestContext&, Resume&) { throw std::runtime_error("connect to db.internal:5432"); },
      make_problem(503, "store-unavailable", "The store failed."), "store-failed");
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(last, Flow::Stop);
  ASSERT_TRUE(ctx.problem);
  EXPECT_EQ(ctx.problem->status, 503);
  EXPECT_EQ(ctx.problem->detail, "The store failed.");
}

}  // namespace
}  // namespace bronpoort::common
