#include "demo_world.hpp"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

namespace bronpoort::testing {

namespace fs = std::filesystem;

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

DemoSource::DemoSource(const TempDir& dir, int persons) : out_(dir.path() / "demo-source.out") {
  const std::string binary = fs::path(BRONPOORT_BINARY).parent_path() / "bronpoort-demo-source";
  const std::string count = std::to_string(persons);
  pid_ = ::fork();
  if (pid_ == 0) {
    int fd = ::open(out_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(fd, 1);
    ::dup2(fd, 2);
    ::execl(binary.c_str(), binary.c_str(), "--port", "0", "--persons", count.c_str(),
            static_cast<char*>(nullptr));
    ::_exit(127);
  }
  const std::regex re(R"(listening on [0-9.]+:(\d+))");
  for (int i = 0; i < 400 && port_ == 0; ++i) {
    std::smatch m;
    std::string text = slurp(out_);
    if (std::regex_search(text, m, re)) port_ = std::stoi(m[1]);
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
}

DemoSource::~DemoSource() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);
  ::waitpid(pid_, nullptr, 0);
}

std::string demo_token(const GatewayProcess& gateway, const TempDir& dir, const std::string& args) {
  const auto out = dir.path() / "token.txt";
  const int rc = run_command(std::string(BRONPOORT_BINARY) + " token --config " +
                             gateway.config_path().string() + " " + args + " >" + out.string());
  EXPECT_EQ(rc, 0) << args;
  auto t = slurp(out);
  while (!t.empty() && (t.back() == '\n' || t.back() == '\r')) t.pop_back();
  return t;
}

nlohmann::json demo_gateway_config() {
  const fs::path src = BRONPOORT_SOURCE_DIR;
  auto cfg = nlohmann::json::parse(slurp(src / "config" / "gateway.json"));
  cfg["server"]["listeners"][0]["port"] = 0;
  const std::string keys = (src / "config" / "keys").string() + "/";
  cfg["identity"]["issuers"][0]["jwks"] = keys + "demo-issuer.jwks.json";
  cfg["identity"]["demoIssuer"]["privateKey"] = keys + "demo-issuer-ed25519.pem";
  cfg["sources"]["schemaDirectory"] = (src / "schemas" / "datasets").string();
  cfg["store"]["path"] = "bronpoort.db";
  for (const char* k : {"pseudonymKeyFile", "checkpointKeyFile", "checkpointPublicKeyFile"}) {
    cfg["processingLog"][k] =
        keys + fs::path(cfg["processingLog"][k].get<std::string>()).filename().string();
  }
  cfg["linkage"]["directory"] = (src / "config" / "linked-queries").string();
  cfg["linkage"]["pseudonymKeyFile"] = keys + "demo-linkage-pseudonym.key";
  cfg["portal"]["directory"] = (src / "portal" / "dist").string();
  return cfg;
}

void copy_demo_registrations(const TempDir& dir, int demo_port) {
  const fs::path src = BRONPOORT_SOURCE_DIR;
  for (const auto& e : fs::directory_iterator(src / "config" / "sources")) {
    std::string text = slurp(e.path());
    if (demo_port != 0) {
      text = std::regex_replace(text, std::regex("http://127\\.0\\.0\\.1:8091"),
                                "http://127.0.0.1:" + std::to_string(demo_port));
    }
    dir.write("sources/" + e.path().filename().string(), text);
  }
  fs::copy(src / "config" / "purposes", dir.path() / "purposes");
}

std::string load_demo_debt_registry(const TempDir& dir, const std::string& database, int cases,
                                    int persons) {
  const char* admin = std::getenv("BRONPOORT_TEST_PG_DSN");
  if (!admin) return "";
  const fs::path src = BRONPOORT_SOURCE_DIR;
  const std::string demo =
      (fs::path(BRONPOORT_BINARY).parent_path() / "bronpoort-demo-source").string();
  const auto dsn_file = dir.path() / "debt-dsn";
  const std::string env = "BRONPOORT_DEBT_DB=" + database + " BRONPOORT_DEMO_SOURCE=" + demo +
                          (persons > 0 ? " BRONPOORT_DEMO_PERSONS=" + std::to_string(persons) : "");
  if (run_command(env + " " + (src / "scripts" / "load-demo-pg.sh").string() + " '" + admin + "' " +
                  std::to_string(cases) + " 2>/dev/null | tail -1 >" + dsn_file.string()) != 0) {
    return "";
  }
  std::string dsn = slurp(dsn_file);
  while (!dsn.empty() && (dsn.back() == '\n' || dsn.back() == '\r')) dsn.pop_back();
  return dsn;
}

}  // namespace bronpoort::testing
