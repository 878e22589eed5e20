#include <bronpoort/core/request_context.hpp>
#include <bronpoort/core/stage.hpp>
#include <bronpoort/core/utf8.hpp>
#include <bronpoort/observability/logging.hpp>

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <ctime>

namespace bronpoort::observability {
namespace {

std::string utc_now() {
  auto now = std::chrono::system_clock::now();
  auto secs = std::chrono::system_clock::to_time_t(now);
  auto micros =
      std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()).count() %
      1000000;
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  char out[64];
  std::snprintf(out, sizeof out, "%s.%06lldZ", buf, static_cast<long long>(micros));
  return out;
}

const char* level_name(Level l) {
  switch (l) {
    case Level::Debug:
      return "debug";
    case Level::Info:
      return "info";
    case Level::Warn:
      return "warn";
    case Level::Error:
      return "error";
  }
  return "info";
}

spdlog::level::level_enum to_spdlog(Level l) {
  switch (l) {
    case Level::Debug:
      return spdlog::level::debug;
    case Level::Info:
      return spdlog::level::info;
    case Level::Warn:
      return spdlog::level::warn;
    case Level::Error:
      return spdlog::level::err;
  }
  return spdlog::level::info;
}

}  // namespace

void init_logging(std::string_view level) {
  auto logger = spdlog::stderr_logger_mt("bronpoort");
  logger->set_pattern("%v");
  logger->set_level(spdlog::level::from_str(std::string(level)));
  logger->flush_on(spdlog::level::warn);
  spdlog::set_default_logger(logger);
  set_failure_reporter([](const char* where, const char* what) {
    log_event(Level::Error, "completion-failed", {{"where", where}, {"error", what}});
  });
}

void log_event(Level level, std::string_view event, const nlohmann::json& fields) {
  if (!spdlog::default_logger_raw()->should_log(to_spdlog(level))) return;
  nlohmann::json line = {{"time", utc_now()}, {"level", level_name(level)}, {"event", event}};
  if (fields.is_object()) line.update(fields);
  spdlog::default_logger_raw()->log(
      to_spdlog(level), "{}", line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

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
  append_json_string(line, utc_now());
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
  if (!spdlog::default_logger_raw()->should_log(spdlog::level::info)) return;
  spdlog::default_logger_raw()->log(spdlog::level::info, "{}", access_line(ctx, status));
}

}  // namespace bronpoort::observability
