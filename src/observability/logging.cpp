#include <bronpoort/core/request_context.hpp>
#include <bronpoort/observability/logging.hpp>

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include <chrono>
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
}

void log_event(Level level, std::string_view event, const nlohmann::json& fields) {
  if (!spdlog::default_logger_raw()->should_log(to_spdlog(level))) return;
  nlohmann::json line = {{"time", utc_now()}, {"level", level_name(level)}, {"event", event}};
  if (fields.is_object()) line.update(fields);
  spdlog::default_logger_raw()->log(
      to_spdlog(level), "{}", line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

void log_access(const RequestContext& ctx, int status) {
  auto micros = std::chrono::duration_cast<std::chrono::microseconds>(
                    std::chrono::steady_clock::now() - ctx.started)
                    .count();
  nlohmann::json f = {{"method", ctx.request.method},
                      {"route", ctx.route.name.empty() ? "unmatched" : ctx.route.name},
                      {"status", status},
                      {"durationMs", static_cast<double>(micros) / 1000.0},
                      {"traceId", ctx.trace.trace_id}};
  if (!ctx.identity.organisation.empty()) f["organisation"] = ctx.identity.organisation;
  if (!ctx.purpose_id.empty()) f["purpose"] = ctx.purpose_id;
  if (ctx.problem) f["code"] = ctx.problem->code;
  log_event(Level::Info, "access", f);
}

}  // namespace bronpoort::observability
