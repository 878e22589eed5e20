#include <bronpoort/common/log.hpp>
#include <bronpoort/common/time.hpp>
#include <bronpoort/core/stage.hpp>

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

namespace bronpoort::common {
namespace {

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

bool log_enabled(Level level) {
  return spdlog::default_logger_raw()->should_log(to_spdlog(level));
}

void log_json_line(Level level, std::string_view line) {
  spdlog::default_logger_raw()->log(to_spdlog(level), "{}", line);
}

void log_event(Level level, std::string_view event, const nlohmann::json& fields) {
  if (!log_enabled(level)) return;
  nlohmann::json line = {{"time", utc_now()}, {"level", level_name(level)}, {"event", event}};
  if (fields.is_object()) line.update(fields);
  log_json_line(level, line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

}  // namespace bronpoort::common
