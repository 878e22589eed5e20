// Three gateway instances behind a load balancer (nginx from Debian, as the balancer), one
// PostgreSQL store, load from four bounded clients (issue 17): one instance is killed with
// SIGKILL under load and later restarted. Every 200 any client received has its processing
// record, the restarted instance's chain continues, and every chain verifies.

#include "support/demo_world.hpp"
#include "support/gateway_process.hpp"
#include "support/http_client.hpp"

#include <gtest/gtest.h>

#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

namespace bronpoort::testing {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

constexpr const char* kMunicipality = "00000001001234567000";

std::string nginx_binary() {
  for (const char* p : {"/usr/sbin/nginx", "/usr/bin/nginx"}) {
    if (fs::exists(p)) return p;
  }
  return "";
}

class LoadBalanced : public ::testing::Test {
 protected:
  void SetUp() override {
    BRONPOORT_PG_ADMIN_DSN_OR_SKIP(admin_);
    if (nginx_binary().empty()) GTEST_SKIP() << "nginx is not installed (the balancer)";
    ASSERT_NE(source_.port(), 0) << "demo source did not start";
    db_ = "load_balanced_" + std::to_string(::getpid());
    ASSERT_EQ(run_command("psql '" + admin_ + "' -qc 'CREATE DATABASE " + db_ + "' >/dev/null"), 0);
    dsn_ = pg_dsn_for(admin_, db_);
    ::setenv("BRONPOORT_DEBT_PG_DSN", "host=127.0.0.1 port=1 dbname=none connect_timeout=1", 1);
    ::unsetenv("BRONPOORT_LOG_CHAIN_ID");
    for (int i = 0; i < 3; ++i) {
      copy_demo_registrations(dirs_[i], source_.port());
      ports_[i] = free_loopback_port();
      start_instance(i);
    }
    start_balancer();
    case_worker_ = demo_token(
        *instances_[0], dirs_[0],
        "--sub case-worker-1 --org " + std::string(kMunicipality) + " --role case-worker");
    auditor_ = demo_token(*instances_[0], dirs_[0],
                          "--sub auditor-1 --org 00000001009999999000 --role auditor");
  }

  void TearDown() override {
    if (nginx_pid_ > 0) {
      ::kill(nginx_pid_, SIGTERM);
      ::waitpid(nginx_pid_, nullptr, 0);
    }
    for (auto& g : instances_) g.reset();
    if (!db_.empty()) {
      run_command("psql '" + admin_ + "' -qc 'DROP DATABASE IF EXISTS " + db_ +
                  " WITH (FORCE)' >/dev/null 2>&1");
    }
  }

  void start_instance(int i) {
    auto cfg = demo_gateway_config();
    cfg["server"]["listeners"][0]["port"] = ports_[i];
    cfg["store"] = {{"kind", "postgres"}, {"dsn", dsn_}};
    cfg["processingLog"]["chainId"] = "instance-" + std::to_string(i);
    instances_[i] = std::make_unique<GatewayProcess>(dirs_[i], cfg);
  }

  void start_balancer() {
    const fs::path dir = balancer_dir_.path();
    fs::create_directories(dir / "logs");
    balancer_port_ = free_loopback_port();
    std::ostringstream conf;
    conf << "worker_processes 1;\npid " << (dir / "nginx.pid").string() << ";\n"
         << "error_log " << (dir / "logs" / "error.log").string() << " warn;\n"
         << "events { worker_connections 256; }\nhttp {\n  access_log off;\n";
    for (const char* t : {"client_body", "proxy", "fastcgi", "uwsgi", "scgi"}) {
      conf << "  " << t << "_temp_path " << (dir / t).string() << ";\n";
    }
    conf << "  upstream gateways {\n";
    for (auto p : ports_) conf << "    server 127.0.0.1:" << p << " max_fails=1 fail_timeout=2s;\n";
    conf << "  }\n  server {\n    listen 127.0.0.1:" << balancer_port_ << ";\n"
         << "    location / {\n      proxy_pass http://gateways;\n"
         << "      proxy_next_upstream error timeout;\n      proxy_connect_timeout 1s;\n"
         << "    }\n  }\n}\n";
    std::ofstream(dir / "nginx.conf") << conf.str();
    nginx_pid_ = ::fork();
    if (nginx_pid_ == 0) {
      const std::string bin = nginx_binary();
      ::execl(bin.c_str(), bin.c_str(), "-p", dir.c_str(), "-c", (dir / "nginx.conf").c_str(), "-g",
              "daemon off;", static_cast<char*>(nullptr));
      ::_exit(127);
    }
    for (int i = 0; i < 100; ++i) {
      if (Connection(balancer_port_).connected()) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    FAIL() << "nginx did not start";
  }

  std::optional<Response> via_balancer(const std::string& target) {
    return request(
        balancer_port_, "GET", target, "",
        "Authorization: Bearer " + case_worker_ + "\r\nProcessing-Purpose: adres-verificatie");
  }

  std::string admin_, db_, dsn_;
  TempDir dirs_[3];
  TempDir balancer_dir_;
  DemoSource source_{dirs_[0]};
  std::uint16_t ports_[3] = {};
  std::unique_ptr<GatewayProcess> instances_[3];
  std::uint16_t balancer_port_ = 0;
  pid_t nginx_pid_ = -1;
  std::string case_worker_, auditor_;
};

TEST_F(LoadBalanced, KillNineUnderLoadLosesNoRecordAndTheChainContinues) {
  auto ids = request(static_cast<std::uint16_t>(source_.port()), "POST", "/bag/addresses/query",
                     R"({"filters":[],"sort":[],"fields":["addressId"],"offset":0,"limit":20,)"
                     R"("includeTotal":false})",
                     "Content-Type: application/json");
  ASSERT_TRUE(ids && ids->status == 200);
  std::vector<std::string> addresses;
  const auto listed = json::parse(ids->body);
  for (const auto& a : listed["items"]) addresses.push_back(a["addressId"]);
  ASSERT_EQ(addresses.size(), 20u) << ids->body.substr(0, 300);

  std::mutex mu;
  std::set<std::string> answered;  // trace ids of the 200s clients received
  std::map<int, int> statuses;
  std::atomic<bool> stop{false};
  std::vector<std::thread> clients;
  for (int c = 0; c < 4; ++c) {
    clients.emplace_back([&, c] {
      for (std::size_t n = static_cast<std::size_t>(c); !stop; ++n) {
        auto r =
            via_balancer("/v1/datasets/addresses/addresses/" + addresses[n % addresses.size()]);
        std::lock_guard lock(mu);
        ++statuses[r ? r->status : 0];
        if (r && r->status == 200) answered.insert(r->header("traceparent").substr(3, 32));
      }
    });
  }
  // At least `n` more answers and at least 1.5 s of load (at most 15 s).
  auto load_phase = [&](std::size_t n) {
    std::size_t start;
    {
      std::lock_guard lock(mu);
      start = answered.size();
    }
    const auto begun = std::chrono::steady_clock::now();
    while (std::chrono::steady_clock::now() - begun < std::chrono::seconds(15)) {
      {
        std::lock_guard lock(mu);
        if (answered.size() >= start + n &&
            std::chrono::steady_clock::now() - begun >= std::chrono::milliseconds(1500)) {
          return true;
        }
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
  };
  auto head_of = [&](const std::string& chain) {
    const fs::path f = balancer_dir_.path() / "head.txt";
    run_command("psql '" + dsn_ +
                "' -tAc \"SELECT coalesce(max(seq), 0) FROM processing_log WHERE "
                "chain_id = '" +
                chain + "'\" >" + f.string());
    std::ifstream in(f);
    long long seq = 0;
    in >> seq;
    return seq;
  };
  ASSERT_TRUE(load_phase(150)) << "too little load to mean anything";
  const auto served_before_kill = head_of("instance-1");
  EXPECT_GT(served_before_kill, 0) << "the balancer never sent instance 1 anything";
  instances_[1]->signal(SIGKILL);
  EXPECT_NE(instances_[1]->wait_exit(std::chrono::seconds(5)), 0);
  // The balancer routes around the dead instance: answers keep coming.
  EXPECT_TRUE(load_phase(150)) << "no answers after the kill";
  const auto head_after_kill = head_of("instance-1");
  instances_[1].reset();
  start_instance(1);
  EXPECT_TRUE(load_phase(150)) << "no answers after the restart";
  stop = true;
  for (auto& t : clients) t.join();

  // Every 200 has its processing record, whichever instance answered it.
  const fs::path out = balancer_dir_.path() / "traces.txt";
  ASSERT_EQ(run_command("psql '" + dsn_ +
                        "' -tAc \"SELECT DISTINCT trace_id FROM processing_log WHERE kind = "
                        "'processing'\" >" +
                        out.string()),
            0);
  std::set<std::string> logged;
  std::ifstream in(out);
  for (std::string line; std::getline(in, line);) logged.insert(line);
  std::size_t missing = 0;
  for (const auto& t : answered) missing += logged.count(t) == 0;
  EXPECT_EQ(missing, 0u) << "of " << answered.size() << " answered requests";
  std::string summary;
  for (const auto& [s, n] : statuses) summary += std::to_string(s) + "=" + std::to_string(n) + " ";
  std::cout << "[ statuses ] " << summary << "\n";

  // The restarted instance continued its chain; every chain verifies, from any instance.
  auto verify = request(instances_[2]->port(), "GET", "/v1/processing-log/verify", "",
                        "Authorization: Bearer " + auditor_);
  ASSERT_TRUE(verify && verify->status == 200) << (verify ? verify->body : "no answer");
  const auto report = json::parse(verify->body);
  EXPECT_TRUE(report["ok"].get<bool>()) << verify->body;
  std::set<std::string> chains;
  for (const auto& c : report["chains"]) chains.insert(c["chainId"].get<std::string>());
  EXPECT_EQ(chains, (std::set<std::string>{"instance-0", "instance-1", "instance-2"}));
  // Instance 1 served again after its restart, continuing its own chain.
  EXPECT_GT(head_of("instance-1"), head_after_kill);
}

}  // namespace
}  // namespace bronpoort::testing
