#pragma once
// W3C Trace Context (https://www.w3.org/TR/trace-context/): the `traceparent` header.

#include <optional>
#include <string>
#include <string_view>

namespace bronpoort {

struct TraceContext {
  std::string trace_id;        // 32 lower-case hex digits, not all zero
  std::string span_id;         // this gateway's span for the request: 16 hex digits
  std::string parent_span_id;  // the caller's span, empty when we started the trace
  std::string flags = "01";    // 2 hex digits

  // The traceparent to send onwards (to sources) and back (to the caller): our span.
  std::string traceparent() const;
  // A child span id under this trace, e.g. for one processing record per data subject.
  static std::string new_span_id();
};

struct ParsedTraceparent {
  std::string trace_id;
  std::string parent_id;
  std::string flags;
};

// Parses a traceparent header value. Returns nullopt for anything the spec says to ignore:
// wrong length or version, upper-case hex, all-zero ids, version ff.
std::optional<ParsedTraceparent> parse_traceparent(std::string_view value);

// Continues the caller's trace when `header` is valid, starts a new one otherwise.
TraceContext make_trace_context(std::optional<std::string_view> header);

}  // namespace bronpoort
