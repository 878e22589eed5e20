#pragma once
// Turning an auditor's request into a store filter: query parameters, the caller's visibility
// (auditor: everything; source-admin: its own datasets; privacy-officer: its own organisation's
// requests; anyone else: nothing), the audit record of each read, and JSON responses. Shared by
// the log endpoints.

#include <bronpoort/core/request_context.hpp>
#include <bronpoort/core/stage.hpp>
#include <bronpoort/processing_log/log_store.hpp>
#include <bronpoort/processing_log/processing_log.hpp>

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

// The request's log query, narrowed to what the caller may see. When it is refused (a bad
// parameter, a caller who may see nothing, or paging where `unpaged` says why it does not apply)
// the problem is answered, `done` called, and nullopt returned.
std::optional<LogRequest> caller_log_query(RequestContext& ctx, int max_page_size, Resume& done,
                                           const char* unpaged = nullptr);

// The endpoints that answer from the log, on the blocking pool.
class LogEndpoint : public Endpoint {
 public:
  LogEndpoint(std::shared_ptr<ProcessingLog> log, BlockingExecutor& executor)
      : log_(std::move(log)), executor_(executor) {}

 protected:
  std::shared_ptr<ProcessingLog> log_;
  BlockingExecutor& executor_;
};

// What a read of the log asked for, as its audit record states it.
struct LogRead {
  LogFilter filter;            // after restrict_to_caller
  std::string stated_purpose;  // required for a lookup by data subject
};

// The filter as an audit record states it; a subject's pseudonym is left out (only its type).
nlohmann::json describe_filter(const LogFilter& filter);

// Appends the read's audit record; once it is durable runs `work` through run_blocking, and if it
// cannot be made durable refuses with 503 without reading anything. Calls `done` once.
void audit_read_then(ProcessingLog& log, BlockingExecutor& executor, RequestContext& ctx,
                     const LogRead& read, Resume done, std::function<void()> work);

// The same URL with `cursor` replaced, for _links.next.
std::string next_page_href(const HttpRequest& request, const LogCursor& cursor);

bool is_trace_id(const std::string& s);

// Runs `work` on `executor`; a store failure becomes 503 log-unavailable. Calls `done` once.
void run_blocking(BlockingExecutor& executor, RequestContext& ctx, Resume done,
                  std::function<void()> work);

// Refuses with 403 unless the caller has `role`.
bool require_role(RequestContext& ctx, const char* role, Resume& done);

}  // namespace bronpoort::processing_log
