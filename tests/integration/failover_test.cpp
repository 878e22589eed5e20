// A PostgreSQL failover under load (issue 17): a primary with a synchronous streaming standby
// (pg_basebackup -R), the gateway's store DSN naming both hosts with
// target_session_attrs=read-write. The primary is stopped without warning under load; while no
// primary is reachable the gateway fails closed (503, nothing released without its record); the
// standby is promoted and the gateway resumes on it by itself. Afterwards every 200 a client
// received has its processing record on the new primary and every chain verifies.

#include "support/demo_world.hpp"
#include "support/gateway_process.hpp"
#include "support/http_client.hpp"

#include <gtest/gtest.h>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

namespace bronpoort::testing {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

const std::string kPgBin = "/usr/lib/postgresql/15/bin";

// PostgreSQL refuses to run as root: as root, its tools run as the postgres user.
std::string as_pg(const std::string& command) {
  return ::getuid() == 0 ? "runuser -u postgres -- " + command : command;
}

class Failover : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!fs::exists(kPgBin + "/pg_basebackup")) {
      if (std::getenv("BRONPOORT_REQUIRE_PG")) FAIL() << "PostgreSQL 15 is not installed";
      GTEST_SKIP() << "PostgreSQL 15 is not installed";
    }
    ASSERT_NE(source_.port(), 0) << "demo source did not start";
    base_ = dir_.path() / "pg";
    fs::create_directories(base_);
    fs::permissions(dir_.path(), fs::perms::all, fs::perm_options::add);
    if (::getuid() == 0) {
      ASSERT_EQ(run_command("chown postgres " + base_.string()), 0);
    }
    primary_ = base_ / "primary";
    standby_ = base_ / "standby";
    p1_ = free_loopback_port();
    p2_ = free_loopback_port();
    ASSERT_EQ(run_command(as_pg(kPgBin + "/initdb -D " + primary_.string() +
                                " -U postgres --auth=trust -E UTF8 --no-sync >" +
                                (base_ / "initdb.log").string() + " 2>&1")),
              0);
    {
      std::ofstream conf(primary_ / "postgresql.conf", std::ios::app);
      conf << "listen_addresses = '127.0.0.1'\nport = " << p1_ << "\nunix_socket_directories = '"
           << primary_.string() << "'\nwal_level = replica\nmax_wal_senders = 4\n"
           << "synchronous_standby_names = '*'\nfsync = on\n";
    }
    ASSERT_EQ(pg_ctl(primary_, "start"), 0);
    started_primary_ = true;
    ASSERT_EQ(run_command(as_pg(kPgBin + "/pg_basebackup -h 127.0.0.1 -p " + std::to_string(p1_) +
                                " -U postgres -D " + standby_.string() + " -R -X stream >" +
                                (base_ / "basebackup.log").string() + " 2>&1")),
              0);
    {
      // The standby, once promoted, has no standby of its own: it must not wait for one.
      std::ofstream conf(standby_ / "postgresql.conf", std::ios::app);
      conf << "port = " << p2_ << "\nunix_socket_directories = '" << standby_.string()
           << "'\nsynchronous_standby_names = ''\n";
    }
    ASSERT_EQ(pg_ctl(standby_, "start"), 0);
    started_standby_ = true;
    // The primary confirms commits only once the standby has them.
    bool sync = false;
    for (int i = 0; i < 100 && !sync; ++i) {
      sync = sql(p1_, "postgres", "SELECT sync_state FROM pg_stat_replication") == "sync";
      if (!sync) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ASSERT_TRUE(sync) << "the standby did not become synchronous";
    ASSERT_EQ(run_command("psql -h 127.0.0.1 -p " + std::to_string(p1_) +
                          " -U postgres -qc 'CREATE DATABASE bp' >/dev/null"),
              0);
  }

  void TearDown() override {
    gateway_.reset();
    if (started_standby_) pg_ctl(standby_, "stop -m immediate");
    if (started_primary_) pg_ctl(primary_, "stop -m immediate");
  }

  int pg_ctl(const fs::path& data, const std::string& action) {
    return run_command(as_pg(kPgBin + "/pg_ctl -D " + data.string() + " -l " +
                             (data.string() + ".log") + " -w -t 60 " + action +
                             " >/dev/null 2>&1"));
  }

  std::string sql(std::uint16_t port, const std::string& db, const std::string& query) {
    const fs::path out = base_ / "sql.out";
    if (run_command("psql -h 127.0.0.1 -p " + std::to_string(port) + " -U postgres -d " + db +
                    " -tAc \"" + query + "\" >" + out.string() + " 2>/dev/null") != 0) {
      return "";
    }
    std::ifstream in(out);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    while (!text.empty() && text.back() == '\n') text.pop_back();
    return text;
  }

  TempDir dir_;
  DemoSource source_{dir_};
  fs::path base_, primary_, standby_;
  std::uint16_t p1_ = 0, p2_ = 0;
  bool started_primary_ = false, started_standby_ = false;
  std::unique_ptr<GatewayProcess> gateway_;
};

TEST_F(Failover, PromotedStandbyTakesOverAndNoAnsweredRequestLosesItsRecord) {
  copy_demo_registrations(dir_, source_.port());
  ::setenv("BRONPOORT_DEBT_PG_DSN", "host=127.0.0.1 port=1 dbname=none connect_timeout=1", 1);
  auto cfg = demo_gateway_config();
  cfg["store"] = {
      {"kind", "postgres"},
      {"dsn", "host=127.0.0.1,127.0.0.1 port=" + std::to_string(p1_) + "," + std::to_string(p2_) +
                  " user=postgres dbname=bp target_session_attrs=read-write "
                  "connect_timeout=2"}};
  gateway_ = std::make_unique<GatewayProcess>(dir_, cfg);
  const std::string worker = demo_token(*gateway_, dir_,
                                        "--sub case-worker-1 --org 00000001001234567000 "
                                        "--role case-worker");
  const std::string auditor =
      demo_token(*gateway_, dir_, "--sub auditor-1 --org 00000001009999999000 --role auditor");
  auto listed = request(static_cast<std::uint16_t>(source_.port()), "POST", "/bag/addresses/query",
                        R"({"filters":[],"sort":[],"fields":["addressId"],"offset":0,"limit":10,)"
                        R"("includeTotal":false})",
                        "Content-Type: application/json");
  ASSERT_TRUE(listed && listed->status == 200);
  const auto items = json::parse(listed->body)["items"];
  ASSERT_EQ(items.size(), 10u);

  std::mutex mu;
  std::set<std::string> answered;
  std::map<int, int> statuses;
  std::atomic<bool> stop{false};
  std::vector<std::thread> clients;
  for (int c = 0; c < 3; ++c) {
    clients.emplace_back([&, c] {
      for (std::size_t n = static_cast<std::size_t>(c); !stop; ++n) {
        auto r = request(
            gateway_->port(), "GET",
            "/v1/datasets/addresses/addresses/" +
                items[n % items.size()]["addressId"].get<std::string>(),
            "", "Authorization: Bearer " + worker + "\r\nProcessing-Purpose: adres-verificatie");
        std::lock_guard lock(mu);
        ++statuses[r ? r->status : 0];
        if (r && r->status == 200) answered.insert(r->header("traceparent").substr(3, 32));
      }
    });
  }
  auto count = [&](int status) {
    std::lock_guard lock(mu);
    return status == 200 ? static_cast<int>(answered.size()) : statuses[status];
  };
  auto wait_until = [&](auto done, std::chrono::seconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
      if (done()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  };
  ASSERT_TRUE(wait_until([&] { return count(200) >= 100; }, std::chrono::seconds(20)));

  // The primary goes without warning; with no read-write host the gateway refuses (503).
  ASSERT_EQ(pg_ctl(primary_, "stop -m immediate"), 0);
  started_primary_ = false;
  EXPECT_TRUE(wait_until([&] { return count(503) >= 5; }, std::chrono::seconds(20)))
      << "no 503 while no primary was reachable";
  // Promote the standby: the gateway finds it through the DSN's host list by itself.
  ASSERT_EQ(pg_ctl(standby_, "promote"), 0);
  const int before = count(200);
  EXPECT_TRUE(wait_until([&] { return count(200) >= before + 100; }, std::chrono::seconds(30)))
      << "the gateway did not resume on the promoted standby";
  stop = true;
  for (auto& t : clients) t.join();

  std::string summary;
  for (const auto& [s, n] : statuses) summary += std::to_string(s) + "=" + std::to_string(n) + " ";
  std::cout << "[ statuses ] " << summary << "\n";
  for (const auto& [s, n] : statuses) {
    EXPECT_TRUE(s == 200 || s == 503) << "unexpected status " << s << " (" << n << " times)";
  }
  // Every 200 has its record on the new primary.
  std::set<std::string> logged;
  std::istringstream rows(
      sql(p2_, "bp", "SELECT DISTINCT trace_id FROM processing_log WHERE kind = 'processing'"));
  for (std::string line; std::getline(rows, line);) logged.insert(line);
  std::size_t missing = 0;
  for (const auto& t : answered) missing += logged.count(t) == 0;
  EXPECT_EQ(missing, 0u) << "of " << answered.size() << " answered requests";
  auto verify = request(gateway_->port(), "GET", "/v1/processing-log/verify", "",
                        "Authorization: Bearer " + auditor);
  ASSERT_TRUE(verify && verify->status == 200) << (verify ? verify->body : "no answer");
  EXPECT_TRUE(json::parse(verify->body)["ok"].get<bool>()) << verify->body;
}

}  // namespace
}  // namespace bronpoort::testing
