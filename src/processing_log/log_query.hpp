#pragma once
// Turning an auditor's request into a store filter: query parameters, the caller's visibility
// (auditor: everything; source-admin: its own datasets; anyone else: its own organisation's
// requests), and JSON responses. Shared by the log endpoints.

#include <bronpoort/core/request_context.hpp>
#include <bronpoort/core/stage.hpp>
#include <bronpoort/processing_log/log_store.hpp>

#include <optional>
#include <string>

namespace bronpoort::processing_log {

struct LogRequest {
  LogFilter filter;
  std::optional<LogCursor> cursor;
  int page_size = 50;
};

// Parses from, to, dataset, purpose, organisation, traceId, status, decision, kind, pageSize and
// cursor; unknown or repeated parameters are refused.
std::optional<LogRequest> parse_log_query(const HttpRequest& request, int max_page_size,
                                          Problem& problem);

// Narrows `filter` to what the caller may see; false with `problem` when it may see nothing.
bool restrict_to_caller(const Identity& identity, LogFilter& filter, Problem& problem);

// The same URL with `cursor` replaced, for _links.next.
std::string next_page_href(const HttpRequest& request, const LogCursor& cursor);

void respond_json(RequestContext& ctx, int status, const nlohmann::json& body);

bool is_trace_id(const std::string& s);

// Runs `work` on `executor`; a store failure becomes 503 log-unavailable. Calls `done` once.
void run_blocking(BlockingExecutor& executor, RequestContext& ctx, Resume done,
                  std::function<void()> work);

// Refuses with 403 unless the caller has `role`.
bool require_role(RequestContext& ctx, const char* role, Resume& done);

}  // namespace bronpoort::processing_log
