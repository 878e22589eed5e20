#pragma once
// The ordered chain of stages every request passes through, and the final step that turns the
// context into a response (problem+json for refusals, standard headers for all).

#include <bronpoort/core/stage.hpp>

#include <functional>
#include <memory>
#include <vector>

namespace bronpoort::observability {
class Metrics;
}

namespace bronpoort::pipeline {

class Pipeline : public std::enable_shared_from_this<Pipeline> {
 public:
  // `metrics` may be null (unit tests); it must outlive the pipeline.
  Pipeline(std::vector<std::shared_ptr<const Stage>> stages, observability::Metrics* metrics);

  // Runs the stages in order. After a refusal only stages that run after refusals (the
  // processing log) still run. Then fills ctx->response and calls `done` exactly once, from
  // whichever thread finished the last stage.
  void run(std::shared_ptr<RequestContext> ctx, std::function<void()> done) const;

  const std::vector<std::shared_ptr<const Stage>>& stages() const { return stages_; }

 private:
  void step(std::shared_ptr<RequestContext> ctx, std::size_t index,
            std::shared_ptr<std::function<void()>> done) const;
  void finish(RequestContext& ctx) const;

  std::vector<std::shared_ptr<const Stage>> stages_;
  observability::Metrics* metrics_;
};

// Wraps a stage so that it only runs for routes of one kind (data stages skip endpoints and the
// reverse), keeping each stage free of routing knowledge.
std::shared_ptr<const Stage> only_for(RouteKind kind, std::shared_ptr<const Stage> stage);

// Fills the response from the context: problem+json for a refusal, the source result as JSON for
// data, and the headers every response carries (API-Version, traceparent, security headers).
void render_response(RequestContext& ctx);

}  // namespace bronpoort::pipeline
