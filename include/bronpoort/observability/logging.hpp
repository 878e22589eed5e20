#pragma once
// The access log: one JSON line per finished request, written through the one structured log
// (bronpoort/common/log.hpp). It takes the route template, not the raw path: a path may carry
// identifiers of data subjects.

#include <bronpoort/common/log.hpp>

#include <string>
#include <string_view>

namespace bronpoort {
struct RequestContext;
}

namespace bronpoort::observability {

// The application log lives in common/; these names stay for the stages that log beside their
// access line.
using common::init_logging;
using common::Level;
using common::log_event;

// One access-log line for a finished request: method, route template, status, duration,
// trace id, calling organisation, purpose, decision code.
void log_access(const RequestContext& ctx, int status);
// The JSON line log_access writes (exposed for tests).
std::string access_line(const RequestContext& ctx, int status);

}  // namespace bronpoort::observability
