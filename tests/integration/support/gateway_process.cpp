#include "gateway_process.hpp"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>

namespace bronpoort::testing {

TempDir::TempDir() {
  std::random_device rd;
  path_ = std::filesystem::temp_directory_path() /
          ("bronpoort-it-" + std::to_string(::getpid()) + "-" + std::to_string(rd()));
  std::filesystem::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::filesystem::path TempDir::write(const std::string& name, const std::string& content) const {
  auto p = path_ / name;
  std::filesystem::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << content;
  return p;
}

nlohmann::json minimal_config() {
  return {{"server",
           {{"listeners", {{{"address", "127.0.0.1"}, {"port", 0}}}},
            {"threads", 2},
            {"shutdownGraceMs", 5000}}}};
}

int run_command(const std::string& command) {
  int rc = std::system(command.c_str());
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

std::uint16_t free_loopback_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}

std::string pg_admin_dsn() {
  const char* dsn = std::getenv("BRONPOORT_TEST_PG_DSN");
  return dsn ? dsn : "";
}

std::string pg_dsn_for(const std::string& admin, const std::string& db) {
  return admin + " dbname=" + db;
}

GatewayProcess::GatewayProcess(const TempDir& dir, const nlohmann::json& config,
                               std::chrono::milliseconds timeout) {
  config_path_ = dir.write("gateway.json", config.dump(2));
  log_path_ = dir.path() / "gateway.log";
  // A restart in the same directory must not read the previous process's "listening" lines.
  std::filesystem::remove(log_path_);
  pid_ = ::fork();
  if (pid_ == 0) {
    int fd = ::open(log_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(fd, 2);
    ::dup2(fd, 1);
    ::execl(BRONPOORT_BINARY, BRONPOORT_BINARY, "serve", "--config", config_path_.c_str(),
            static_cast<char*>(nullptr));
    ::_exit(127);
  }
  const std::size_t listeners = config["server"]["listeners"].size();
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    ports_.clear();
    std::istringstream lines(log());
    std::string line;
    while (std::getline(lines, line)) {
      if (line.find("\"listening\"") == std::string::npos) continue;
      auto j = nlohmann::json::parse(line, nullptr, false);
      if (!j.is_discarded() && j.contains("port")) ports_.push_back(j["port"].get<std::uint16_t>());
    }
    if (ports_.size() == listeners) return;
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      ADD_FAILURE() << "gateway exited during start-up:\n" << log();
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ADD_FAILURE() << "gateway did not start listening in time:\n" << log();
}

GatewayProcess::~GatewayProcess() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);
  if (wait_exit(std::chrono::seconds(10)) == -1 && pid_ > 0) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
}

void GatewayProcess::signal(int signo) const {
  if (pid_ > 0) ::kill(pid_, signo);
}

int GatewayProcess::wait_exit(std::chrono::milliseconds timeout) {
  if (pid_ <= 0) return -1;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return -1;
}

std::string GatewayProcess::log() const {
  std::ifstream in(log_path_, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

bool GatewayProcess::wait_for_log(const std::string& needle,
                                  std::chrono::milliseconds timeout) const {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (log().find(needle) != std::string::npos) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

}  // namespace bronpoort::testing
