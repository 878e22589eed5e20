#pragma once
// Starts the real build/bronpoort binary with a config written to a temporary directory, and
// stops it again. Ports come from the "listening" log lines, so configs use port 0.

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

namespace bronpoort::testing {

// A fresh temporary directory, removed on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path write(const std::string& name, const std::string& content) const;

 private:
  std::filesystem::path path_;
};

class GatewayProcess {
 public:
  // Writes `config` as gateway.json into `dir` and starts `bronpoort serve` on it. Waits until
  // every listener reports its port (fails the test after `timeout`).
  GatewayProcess(const TempDir& dir, const nlohmann::json& config,
                 std::chrono::milliseconds timeout = std::chrono::seconds(20));
  ~GatewayProcess();

  std::uint16_t port(std::size_t listener = 0) const { return ports_.at(listener); }
  const std::filesystem::path& config_path() const { return config_path_; }
  void signal(int signo) const;
  // Waits for the process to exit; returns its exit status, or -1 on timeout.
  int wait_exit(std::chrono::milliseconds timeout);
  // The log written so far (JSON lines on stderr).
  std::string log() const;
  // Waits until the log contains `needle`; false on timeout.
  bool wait_for_log(const std::string& needle, std::chrono::milliseconds timeout) const;
  bool running() const { return pid_ > 0; }
  int pid() const { return pid_; }

 private:
  std::filesystem::path config_path_;
  std::filesystem::path log_path_;
  int pid_ = -1;
  std::vector<std::uint16_t> ports_;
};

// A minimal valid gateway config: one plain listener on 127.0.0.1 port 0.
nlohmann::json minimal_config();

// Runs a shell command, returns its exit status.
int run_command(const std::string& command);

// A loopback port that was free a moment ago, for a process that must keep its port across a
// restart (port 0 would give it another one).
std::uint16_t free_loopback_port();

// The admin DSN of the test cluster (BRONPOORT_TEST_PG_DSN); empty when there is none. Tests then
// skip, or fail when BRONPOORT_REQUIRE_PG is set (see BRONPOORT_PG_ADMIN_DSN_OR_SKIP).
std::string pg_admin_dsn();

// `admin` pointed at database `db` (libpq takes the last of a repeated keyword).
std::string pg_dsn_for(const std::string& admin, const std::string& db);

#define BRONPOORT_PG_ADMIN_DSN_OR_SKIP(var)                                                  \
  do {                                                                                       \
    var = ::bronpoort::testing::pg_admin_dsn();                                              \
    if (var.empty()) {                                                                       \
      if (std::getenv("BRONPOORT_REQUIRE_PG")) FAIL() << "BRONPOORT_TEST_PG_DSN is not set"; \
      GTEST_SKIP() << "no PostgreSQL (set BRONPOORT_TEST_PG_DSN)";                           \
    }                                                                                        \
  } while (false)

}  // namespace bronpoort::testing
