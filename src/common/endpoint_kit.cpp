#include <bronpoort/common/endpoint_kit.hpp>
#include <bronpoort/common/log.hpp>

#include <algorithm>

namespace bronpoort::common {

void respond_json(RequestContext& ctx, int status, const nlohmann::json& body) {
  ctx.response.status = status;
  ctx.response.headers.set("Content-Type", "application/json");
  ctx.response.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void respond(RequestContext& ctx, int status, const nlohmann::json& body, const Resume& done) {
  respond_json(ctx, status, body);
  done(Flow::Continue);
}

void refuse(RequestContext& ctx, Problem problem, const Resume& done) {
  ctx.fail(std::move(problem));
  done(Flow::Stop);
}

std::optional<Problem> unknown_query_params(const HttpRequest& request,
                                            std::initializer_list<const char*> allowed,
                                            Problem refusal) {
  bool any = false;
  for (const auto& [key, _] : request.query) {
    if (std::any_of(allowed.begin(), allowed.end(),
                    [&key = key](const char* a) { return key == a; })) {
      continue;
    }
    refusal.invalid_params.push_back(
        {key, "not a parameter of this endpoint", "unknown-parameter"});
    any = true;
  }
  if (!any) return std::nullopt;
  return refusal;
}

void off_io(BlockingExecutor& executor, RequestContext& ctx, Resume done,
            std::function<void(RequestContext&, Resume&)> work, Problem failure,
            std::string_view failure_event) {
  executor.post([&ctx, done = std::move(done), work = std::move(work), failure = std::move(failure),
                 event = std::string(failure_event)]() mutable {
    try {
      work(ctx, done);
    } catch (const std::exception& e) {
      if (!event.empty()) log_event(Level::Warn, event, {{"error", e.what()}});
      refuse(ctx, std::move(failure), done);
    }
  });
}

}  // namespace bronpoort::common
