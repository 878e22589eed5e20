#include <bronpoort/core/api_version.hpp>
#include <bronpoort/observability/logging.hpp>
#include <bronpoort/observability/metrics.hpp>
#include <bronpoort/pipeline/pipeline.hpp>

#include <nlohmann/json.hpp>

#include <atomic>
#include <exception>

namespace bronpoort::pipeline {
namespace {

class RouteKindFilter final : public Stage {
 public:
  RouteKindFilter(RouteKind kind, std::shared_ptr<const Stage> inner)
      : kind_(kind), inner_(std::move(inner)) {}
  const char* name() const override { return inner_->name(); }
  bool runs_after_refusal() const override { return inner_->runs_after_refusal(); }
  void run(RequestContext& ctx, Resume resume) const override {
    if (ctx.route.kind != kind_) {
      resume(Flow::Continue);
      return;
    }
    inner_->run(ctx, std::move(resume));
  }
  std::optional<Flow> run_at_once(RequestContext& ctx) const override {
    if (ctx.route.kind != kind_) return Flow::Continue;
    return inner_->run_at_once(ctx);
  }

 private:
  RouteKind kind_;
  std::shared_ptr<const Stage> inner_;
};

// Only the standard methods become metric labels; anything else a client invents would let it
// grow the label set without bound.
std::string method_label(const std::string& m) {
  static const char* kKnown[] = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"};
  for (const char* k : kKnown) {
    if (m == k) return m;
  }
  return "OTHER";
}

// A stage that stops a request must say why; one that does not is a bug, answered with 500.
void stopped_without_reason(RequestContext& ctx, const Stage& stage, Flow flow) {
  if (flow == Flow::Stop && !ctx.refused()) {
    ctx.fail(make_problem(500, "internal-error",
                          std::string("stage ") + stage.name() + " stopped without a reason"));
  }
}

// A stage that threw: reported, and with `answer` the request fails with 500 (not when the stage
// had already resumed it).
void stage_threw(RequestContext& ctx, const Stage& stage, const std::exception& e, bool answer) {
  observability::log_event(observability::Level::Error, "stage-failed",
                           {{"stage", stage.name()}, {"error", e.what()}});
  if (answer) ctx.fail(make_problem(500, "internal-error", "the request could not be processed"));
}

}  // namespace

std::shared_ptr<const Stage> only_for(RouteKind kind, std::shared_ptr<const Stage> stage) {
  return std::make_shared<RouteKindFilter>(kind, std::move(stage));
}

Pipeline::Pipeline(std::vector<std::shared_ptr<const Stage>> stages,
                   observability::Metrics* metrics)
    : stages_(std::move(stages)), metrics_(metrics) {}

void Pipeline::run(std::shared_ptr<RequestContext> ctx, std::function<void()> done) const {
  if (metrics_) metrics_->request_started();
  step(std::move(ctx), 0, std::make_shared<std::function<void()>>(std::move(done)));
}

void Pipeline::step(std::shared_ptr<RequestContext> ctx, std::size_t index,
                    std::shared_ptr<std::function<void()>> done) const {
  // The stages that finish at once run in this loop; only one that waits gets a Resume.
  for (;; ++index) {
    // Skip stages that do not run after a refusal.
    while (index < stages_.size() && ctx->refused() && !stages_[index]->runs_after_refusal()) {
      ++index;
    }
    if (index == stages_.size()) {
      try {
        finish(*ctx);
        (*done)();
      } catch (const std::exception& e) {
        report_failure("pipeline", e.what());
      }
      return;
    }
    const Stage& stage = *stages_[index];
    std::optional<Flow> now;
    try {
      now = stage.run_at_once(*ctx);
    } catch (const std::exception& e) {
      stage_threw(*ctx, stage, e, true);
      now = Flow::Stop;
    }
    if (!now) break;
    stopped_without_reason(*ctx, stage, *now);
  }
  const Stage& stage = *stages_[index];
  // A stage must resume once; a second call (a bug) is ignored rather than running the rest of
  // the chain twice.
  auto resumed = std::make_shared<std::atomic<bool>>(false);
  auto self = shared_from_this();
  Resume resume = [self, ctx, index, done, resumed, &stage](Flow flow) {
    if (resumed->exchange(true)) {
      observability::log_event(observability::Level::Error, "stage-resumed-twice",
                               {{"stage", stage.name()}});
      return;
    }
    stopped_without_reason(*ctx, stage, flow);
    self->step(ctx, index + 1, done);
  };
  try {
    stage.run(*ctx, resume);
  } catch (const std::exception& e) {
    const bool answer = !resumed->load();
    stage_threw(*ctx, stage, e, answer);
    if (answer) resume(Flow::Stop);
  }
}

void Pipeline::finish(RequestContext& ctx) const {
  render_response(ctx);
  if (metrics_) {
    metrics_->request_ended();
    metrics_->request_finished(ctx.route.name, method_label(ctx.request.method),
                               ctx.response.status, std::chrono::steady_clock::now() - ctx.started);
  }
  if (!ctx.quiet) observability::log_access(ctx, ctx.response.status);
}

void render_response(RequestContext& ctx) {
  auto& res = ctx.response;
  if (ctx.problem) {
    res.status = ctx.problem->status;
    res.body = ctx.problem->to_json(ctx.request.path, ctx.trace.trace_id);
    res.stream.reset();
    res.headers.set("Content-Type", "application/problem+json");
  } else if (res.body.empty() && !res.stream && ctx.result.fetched) {
    res.body = ctx.result.body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    if (!res.headers.find("Content-Type")) res.headers.set("Content-Type", "application/json");
  }
  res.headers.set("API-Version", kApiVersion);
  res.headers.set("traceparent", ctx.trace.traceparent());
  res.headers.set("X-Content-Type-Options", "nosniff");
  // Responses may carry personal data: nothing is cached unless an endpoint says otherwise.
  if (!res.headers.find("Cache-Control")) res.headers.set("Cache-Control", "no-store");
  if (ctx.request.tls) {
    res.headers.set("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
  }
}

}  // namespace bronpoort::pipeline
