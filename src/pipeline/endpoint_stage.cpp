#include <bronpoort/pipeline/endpoint_stage.hpp>

namespace bronpoort::pipeline {

void EndpointStage::run(RequestContext& ctx, Resume resume) const {
  if (ctx.route.kind != RouteKind::Endpoint || ctx.route.endpoint == nullptr) {
    resume(Flow::Continue);
    return;
  }
  ctx.route.endpoint->handle(ctx, std::move(resume));
}

}  // namespace bronpoort::pipeline
