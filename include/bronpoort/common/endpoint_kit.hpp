#pragma once
// What the gateway's own endpoints (access requests, the processing log APIs, linked queries, the
// catalog) answer with: a JSON response, a refusal, the refusal of query parameters an endpoint
// does not take, and store work run off the I/O threads. An endpoint itself is core's
// make_endpoint(function).

#include <bronpoort/core/request_context.hpp>
#include <bronpoort/core/stage.hpp>

#include <nlohmann/json.hpp>

#include <functional>
#include <initializer_list>
#include <optional>
#include <string_view>

namespace bronpoort::common {

// Sets a JSON response: the status, Content-Type application/json and the body (bytes that are
// not UTF-8 become U+FFFD rather than an exception).
void respond_json(RequestContext& ctx, int status, const nlohmann::json& body);
// respond_json, then done(Continue).
void respond(RequestContext& ctx, int status, const nlohmann::json& body, const Resume& done);
// Sets ctx.problem and calls done(Stop).
void refuse(RequestContext& ctx, Problem problem, const Resume& done);

// The query parameters not named in `allowed`, each as an invalid_params entry ("not a parameter
// of this endpoint", unknown-parameter) added to `refusal`; nullopt when there is none.
std::optional<Problem> unknown_query_params(
    const HttpRequest& request, std::initializer_list<const char*> allowed,
    Problem refusal = make_problem(400, "unknown-parameter", "Unknown query parameter."));

// Runs `work` on `executor` (blocking store work never runs on an I/O thread); `work` answers and
// calls `done` itself. If it throws, the request is refused with `failure` instead: what was
// thrown may name hosts or paths, so it goes only to the log, as event `failure_event` when one
// is given, never to the caller.
void off_io(BlockingExecutor& executor, RequestContext& ctx, Resume done,
            std::function<void(RequestContext&, Resume&)> work, Problem failure,
            std::string_view failure_event = {});

}  // namespace bronpoort::common
