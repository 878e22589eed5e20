#include <bronpoort/common/time.hpp>
#include <bronpoort/core/request_context.hpp>
#include <bronpoort/core/utf8.hpp>
#include <bronpoort/observability/logging.hpp>

#include <chrono>
#include <cstdio>

namespace bronpoort::observability {

namespace {

// A JSON string of `s`; bytes that are not UTF-8 become U+FFFD, as nlohmann's replace handler
// does for the other events.
void append_json_string(std::string& out, std::string_view s) {
  std::string repaired;
  if (!is_valid_utf8(s)) {
    repaired = to_valid_utf8(s, s.size() * 3);
    s = repaired;
  }
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out.push_back(kHex[c >> 4]);
          out.push_back(kHex[c & 0x0f]);
        } else {
          out.push_back(ch);
        }
    }
  }
  out.push_back('"');
}

void append_member(std::string& out, std::string_view name, std::string_view value) {
  out.push_back(',');
  append_json_string(out, name);
  out.push_back(':');
  append_json_string(out, value);
}

}  // namespace

// One line per request, so written straight into a string: building it as a JSON document first
// cost about as much as the rest of the request's logging (docs/performance.md).
std::string access_line(const RequestContext& ctx, int status) {
  auto micros = std::chrono::duration_cast<std::chrono::microseconds>(
                    std::chrono::steady_clock::now() - ctx.started)
                    .count();
  std::string line;
  line.reserve(256);
  line += "{\"time\":";
  append_json_string(line, common::utc_now());
  line += ",\"level\":\"info\",\"event\":\"access\"";
  append_member(line, "method", ctx.request.method);
  append_member(line, "route", ctx.route.name.empty() ? "unmatched" : ctx.route.name);
  line += ",\"status\":" + std::to_string(status);
  char duration[64];
  std::snprintf(duration, sizeof duration, ",\"durationMs\":%lld.%03lld",
                static_cast<long long>(micros / 1000), static_cast<long long>(micros % 1000));
  line += duration;
  append_member(line, "traceId", ctx.trace.trace_id);
  if (!ctx.identity.organisation.empty())
    append_member(line, "organisation", ctx.identity.organisation);
  if (!ctx.purpose_id.empty()) append_member(line, "purpose", ctx.purpose_id);
  if (ctx.problem) append_member(line, "code", ctx.problem->code);
  line.push_back('}');
  return line;
}

void log_access(const RequestContext& ctx, int status) {
  if (!common::log_enabled(common::Level::Info)) return;
  common::log_json_line(common::Level::Info, access_line(ctx, status));
}

}  // namespace bronpoort::observability
