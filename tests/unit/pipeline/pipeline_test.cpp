#include <bronpoort/pipeline/pipeline.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <future>
#include <stdexcept>
#include <thread>

namespace bronpoort::pipeline {
namespace {

// Records its name in a shared trace and answers as configured.
class RecordingStage final : public Stage {
 public:
  RecordingStage(std::string name, std::vector<std::string>& trace, Flow flow = Flow::Continue,
                 bool after_refusal = false, bool async = false, bool throws = false)
      : name_(std::move(name)),
        trace_(trace),
        flow_(flow),
        after_refusal_(after_refusal),
        async_(async),
        throws_(throws) {}
  const char* name() const override { return name_.c_str(); }
  bool runs_after_refusal() const override { return after_refusal_; }
  void run(RequestContext& ctx, Resume resume) const override {
    trace_.push_back(name_);
    if (throws_) throw std::runtime_error("boom");
    if (flow_ == Flow::Stop) ctx.fail(make_problem(403, "no-grant", "stopped by " + name_));
    if (async_) {
      std::thread([resume, flow = flow_] { resume(flow); }).detach();
    } else {
      resume(flow_);
    }
  }

 private:
  std::string name_;
  std::vector<std::string>& trace_;
  Flow flow_;
  bool after_refusal_, async_, throws_;
};

// A stage that finishes at once: the pipeline runs it without a Resume (Stage::run_at_once).
class SyncRecordingStage final : public SyncStage {
 public:
  SyncRecordingStage(std::string name, std::vector<std::string>& trace,
                     std::function<Flow(RequestContext&)> body = nullptr)
      : name_(std::move(name)), trace_(trace), body_(std::move(body)) {}
  const char* name() const override { return name_.c_str(); }
  Flow process(RequestContext& ctx) const override {
    trace_.push_back(name_);
    return body_ ? body_(ctx) : Flow::Continue;
  }

 private:
  std::string name_;
  std::vector<std::string>& trace_;
  std::function<Flow(RequestContext&)> body_;
};

// Runs the pipeline and waits for `done`, which may come from another thread.
std::shared_ptr<RequestContext> run(const std::shared_ptr<Pipeline>& p) {
  auto ctx = std::make_shared<RequestContext>();
  ctx->request.path = "/v1/x";
  ctx->trace = make_trace_context(std::nullopt);
  std::promise<void> finished;
  p->run(ctx, [&] { finished.set_value(); });
  finished.get_future().wait();
  return ctx;
}

TEST(Pipeline, RunsStagesInOrderAndRendersStandardHeaders) {
  std::vector<std::string> trace;
  auto p = std::make_shared<Pipeline>(
      std::vector<std::shared_ptr<const Stage>>{
          std::make_shared<RecordingStage>("a", trace),
          std::make_shared<RecordingStage>("b", trace, Flow::Continue, false, true),
          std::make_shared<RecordingStage>("c", trace)},
      nullptr);
  auto ctx = run(p);
  EXPECT_EQ(trace, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(ctx->response.status, 200);
  EXPECT_EQ(*ctx->response.headers.find("API-Version"), "1.0.0");
  EXPECT_EQ(*ctx->response.headers.find("traceparent"), ctx->trace.traceparent());
  EXPECT_EQ(*ctx->response.headers.find("Cache-Control"), "no-store");
}

TEST(Pipeline, RefusalSkipsLaterStagesExceptThoseThatRecordRefusals) {
  std::vector<std::string> trace;
  auto p = std::make_shared<Pipeline>(
      std::vector<std::shared_ptr<const Stage>>{
          std::make_shared<RecordingStage>("access", trace, Flow::Stop),
          std::make_shared<RecordingStage>("fetch", trace),
          std::make_shared<RecordingStage>("log", trace, Flow::Continue, true)},
      nullptr);
  auto ctx = run(p);
  EXPECT_EQ(trace, (std::vector<std::string>{"access", "log"}));
  EXPECT_EQ(ctx->response.status, 403);
  EXPECT_EQ(*ctx->response.headers.find("Content-Type"), "application/problem+json");
  auto body = nlohmann::json::parse(ctx->response.body);
  EXPECT_EQ(body["code"], "no-grant");
  EXPECT_EQ(body["traceId"], ctx->trace.trace_id);
}

TEST(Pipeline, ThrowingStageBecomesInternalErrorNotACrash) {
  std::vector<std::string> trace;
  auto p = std::make_shared<Pipeline>(
      std::vector<std::shared_ptr<const Stage>>{
          std::make_shared<RecordingStage>("bad", trace, Flow::Continue, false, false, true),
          std::make_shared<RecordingStage>("fetch", trace),
          std::make_shared<RecordingStage>("log", trace, Flow::Continue, true)},
      nullptr);
  auto ctx = run(p);
  EXPECT_EQ(trace, (std::vector<std::string>{"bad", "log"}));
  EXPECT_EQ(ctx->response.status, 500);
  EXPECT_EQ(nlohmann::json::parse(ctx->response.body)["code"], "internal-error");
}

TEST(Pipeline, StopWithoutProblemIsReportedAsInternalError) {
  class SilentStop final : public SyncStage {
   public:
    const char* name() const override { return "silent"; }
    Flow process(RequestContext&) const override { return Flow::Stop; }
  };
  auto p = std::make_shared<Pipeline>(
      std::vector<std::shared_ptr<const Stage>>{std::make_shared<SilentStop>()}, nullptr);
  EXPECT_EQ(run(p)->response.status, 500);
}

TEST(Pipeline, OnlyForSkipsStagesOfOtherRouteKinds) {
  std::vector<std::string> trace;
  auto p = std::make_shared<Pipeline>(
      std::vector<std::shared_ptr<const Stage>>{
          only_for(RouteKind::Data, std::make_shared<RecordingStage>("data-only", trace)),
          std::make_shared<RecordingStage>("all", trace)},
      nullptr);
  run(p);  // route kind None
  EXPECT_EQ(trace, (std::vector<std::string>{"all"}));
}

TEST(Pipeline, StagesThatFinishAtOnceAndStagesThatWaitRunInOrder) {
  std::vector<std::string> trace;
  auto route_data = [](RequestContext& ctx) {
    ctx.route.kind = RouteKind::Data;
    return Flow::Continue;
  };
  auto p = std::make_shared<Pipeline>(
      std::vector<std::shared_ptr<const Stage>>{
          only_for(RouteKind::Data, std::make_shared<SyncRecordingStage>("before-route", trace)),
          std::make_shared<SyncRecordingStage>("route", trace, route_data),
          only_for(RouteKind::Data, std::make_shared<SyncRecordingStage>("access", trace)),
          only_for(RouteKind::Endpoint, std::make_shared<SyncRecordingStage>("endpoint", trace)),
          std::make_shared<RecordingStage>("fetch", trace, Flow::Continue, false, true),
          std::make_shared<SyncRecordingStage>("validate", trace),
          only_for(RouteKind::Data,
                   std::make_shared<RecordingStage>("log", trace, Flow::Continue, true, true)),
          std::make_shared<SyncRecordingStage>("render", trace)},
      nullptr);
  auto ctx = run(p);
  EXPECT_EQ(trace,
            (std::vector<std::string>{"route", "access", "fetch", "validate", "log", "render"}));
  EXPECT_EQ(ctx->response.status, 200);
}

TEST(Pipeline, AStageThatFinishesAtOnceAndThrowsBecomesInternalError) {
  std::vector<std::string> trace;
  auto p = std::make_shared<Pipeline>(
      std::vector<std::shared_ptr<const Stage>>{
          std::make_shared<SyncRecordingStage>("ok", trace),
          std::make_shared<SyncRecordingStage>(
              "bad", trace, [](RequestContext&) -> Flow { throw std::runtime_error("boom"); }),
          std::make_shared<SyncRecordingStage>("fetch", trace),
          std::make_shared<RecordingStage>("log", trace, Flow::Continue, true)},
      nullptr);
  auto ctx = run(p);
  EXPECT_EQ(trace, (std::vector<std::string>{"ok", "bad", "log"}));
  EXPECT_EQ(ctx->response.status, 500);
  EXPECT_EQ(nlohmann::json::parse(ctx->response.body)["code"], "internal-error");
}

TEST(Pipeline, ARefusalAfterAWaitSkipsTheStagesThatFinishAtOnce) {
  std::vector<std::string> trace;
  auto p = std::make_shared<Pipeline>(
      std::vector<std::shared_ptr<const Stage>>{
          std::make_shared<RecordingStage>("fetch", trace, Flow::Stop, false, true),
          std::make_shared<SyncRecordingStage>("validate", trace),
          std::make_shared<RecordingStage>("log", trace, Flow::Continue, true, true),
          std::make_shared<SyncRecordingStage>("render", trace)},
      nullptr);
  auto ctx = run(p);
  EXPECT_EQ(trace, (std::vector<std::string>{"fetch", "log"}));
  EXPECT_EQ(ctx->response.status, 403);
}

TEST(Pipeline, ALongRunOfStagesThatFinishAtOnceDoesNotNest) {
  // Each stage runs from the pipeline's loop, not from the one before it: a chain far longer
  // than any gateway's would overflow the stack if every stage nested in the last one's Resume.
  std::vector<std::string> trace;
  std::vector<std::shared_ptr<const Stage>> stages;
  for (int i = 0; i < 200'000; ++i)
    stages.push_back(std::make_shared<SyncRecordingStage>("s", trace));
  auto ctx = run(std::make_shared<Pipeline>(std::move(stages), nullptr));
  EXPECT_EQ(trace.size(), 200'000u);
  EXPECT_EQ(ctx->response.status, 200);
}

TEST(Pipeline, DataResultIsRenderedAsJson) {
  RequestContext ctx;
  ctx.result.fetched = true;
  ctx.result.body = {{"bsn", "x"}};
  render_response(ctx);
  EXPECT_EQ(ctx.response.body, R"({"bsn":"x"})");
  EXPECT_EQ(*ctx.response.headers.find("Content-Type"), "application/json");
  EXPECT_FALSE(ctx.response.headers.find("Strict-Transport-Security"));
  ctx.request.tls = true;
  render_response(ctx);
  EXPECT_TRUE(ctx.response.headers.find("Strict-Transport-Security"));
}

}  // namespace
}  // namespace bronpoort::pipeline
