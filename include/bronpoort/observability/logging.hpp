#pragma once
// Structured application logs: one JSON object per line on stderr, through spdlog.
// Callers pass only non-sensitive fields: never tokens, query strings, bodies or identifiers of
// data subjects. The access log takes the route template, not the raw path, for that reason.

#include <nlohmann/json_fwd.hpp>

#include <string>
#include <string_view>

namespace bronpoort {
struct RequestContext;
}

namespace bronpoort::observability {

enum class Level { Debug, Info, Warn, Error };

// Sets up the JSON logger; `level` is "debug", "info", "warn" or "error".
void init_logging(std::string_view level);

// Writes {"time":..., "level":..., "event": event, ...fields}.
void log_event(Level level, std::string_view event, const nlohmann::json& fields);

// One access-log line for a finished request: method, route template, status, duration,
// trace id, calling organisation, purpose, decision code.
void log_access(const RequestContext& ctx, int status);
// The JSON line log_access writes (exposed for tests).
std::string access_line(const RequestContext& ctx, int status);

}  // namespace bronpoort::observability
