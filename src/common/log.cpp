#include <bronpoort/common/log.hpp>
#include <bronpoort/common/time.hpp>
#include <bronpoort/core/stage.hpp>

#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

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

// Standard error, written in blocks: lines collect in a buffer that a thread of its own writes
// out every 100 ms, or at once past 64 KiB; a warning or error is written at once with everything
// before it (flush_on). The access log was one write(2) per request, ~4 % of the gateway's CPU
// (docs/performance.md). What is buffered when the process is killed is lost; the evidence is
// the processing log, not these lines.
class BufferedStderrSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  static constexpr std::size_t kFlushBytes = 64u << 10;
  static constexpr std::chrono::milliseconds kFlushEvery{100};

  BufferedStderrSink() : thread_([this] { flush_loop(); }) {}
  ~BufferedStderrSink() override {
    {
      std::lock_guard lock(stop_mutex_);
      stopping_ = true;
    }
    stop_wake_.notify_all();
    thread_.join();
    flush();
  }

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    spdlog::memory_buf_t formatted;
    formatter_->format(msg, formatted);
    buffer_.append(formatted.data(), formatted.size());
    if (buffer_.size() >= kFlushBytes) flush_();
  }

  void flush_() override {
    std::size_t done = 0;
    while (done < buffer_.size()) {
      ssize_t n = ::write(STDERR_FILENO, buffer_.data() + done, buffer_.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;  // nowhere to write to: the lines are dropped, not kept growing
      done += static_cast<std::size_t>(n);
    }
    buffer_.clear();
  }

 private:
  void flush_loop() {
    std::unique_lock lock(stop_mutex_);
    while (!stopping_) {
      stop_wake_.wait_for(lock, kFlushEvery);
      lock.unlock();
      flush();
      lock.lock();
    }
  }

  std::string buffer_;  // under base_sink's mutex_
  std::mutex stop_mutex_;
  std::condition_variable stop_wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace

void init_logging(std::string_view level) {
  auto logger =
      std::make_shared<spdlog::logger>("bronpoort", std::make_shared<BufferedStderrSink>());
  spdlog::register_logger(logger);
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
