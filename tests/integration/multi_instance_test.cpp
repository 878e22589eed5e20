// Two gateway instances on one PostgreSQL store (issue 17): a grant approved or revoked through
// instance A takes effect on instance B within a second, through the store's LISTEN/NOTIFY and
// not the slow fallback refresh (30 s). Both run the real binary against the demo source.

#include "support/demo_world.hpp"
#include "support/gateway_process.hpp"
#include "support/http_client.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <set>
#include <thread>

namespace bronpoort::testing {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

constexpr const char* kMunicipality = "00000001001234567000";
constexpr const char* kKvk = "00000099000000000002";  // holder of the businesses dataset
constexpr const char* kBusinesses = "/v1/datasets/businesses/businesses?pageSize=1";

class MultiInstance : public ::testing::Test {
 protected:
  void SetUp() override {
    BRONPOORT_PG_ADMIN_DSN_OR_SKIP(admin_);
    ASSERT_NE(source_.port(), 0) << "demo source did not start";
    db_ = "multi_instance_" + std::to_string(::getpid());
    ASSERT_EQ(run_command("psql '" + admin_ + "' -qc 'CREATE DATABASE " + db_ + "' >/dev/null"), 0);
    const std::string dsn = pg_dsn_for(admin_, db_);
    ::setenv("BRONPOORT_DEBT_PG_DSN", "host=127.0.0.1 port=1 dbname=none connect_timeout=1", 1);
    ::unsetenv("BRONPOORT_LOG_CHAIN_ID");
    for (auto* dir : {&dir_a_, &dir_b_}) copy_demo_registrations(*dir, source_.port());
    auto cfg = demo_gateway_config();
    cfg["store"] = {{"kind", "postgres"}, {"dsn", dsn}};
    cfg["processingLog"]["chainId"] = "instance-a";
    a_ = std::make_unique<GatewayProcess>(dir_a_, cfg);
    cfg["processingLog"]["chainId"] = "instance-b";
    b_ = std::make_unique<GatewayProcess>(dir_b_, cfg);
    analyst_ = demo_token(
        *a_, dir_a_, "--sub analyst-1 --org " + std::string(kMunicipality) + " --role analyst");
    kvk_admin_ = demo_token(*a_, dir_a_,
                            "--sub kvk-admin --org " + std::string(kKvk) + " --role source-admin");
  }

  void TearDown() override {
    a_.reset();
    b_.reset();
    if (!db_.empty()) {
      run_command("psql '" + admin_ + "' -qc 'DROP DATABASE IF EXISTS " + db_ +
                  " WITH (FORCE)' >/dev/null 2>&1");
    }
  }

  static Response call(const GatewayProcess& g, const std::string& method,
                       const std::string& target, const std::string& token,
                       const std::string& body = "", const std::string& purpose = "") {
    std::string headers = "Authorization: Bearer " + token;
    if (!purpose.empty()) headers += "\r\nProcessing-Purpose: " + purpose;
    if (!body.empty()) headers += "\r\nContent-Type: application/json";
    auto r = request(g.port(), method, target, body, headers);
    EXPECT_TRUE(r) << method << " " << target << ": no answer";
    return r ? *r : Response{};
  }

  int businesses_on_b() {
    return call(*b_, "GET", kBusinesses, analyst_, "", "bedrijven-analyse").status;
  }

  // How long until instance B answers `status` for the analyst's data request (at most 5 s).
  Clock::duration until_b_answers(int status) {
    const auto start = Clock::now();
    while (Clock::now() - start < std::chrono::seconds(5)) {
      if (businesses_on_b() == status) return Clock::now() - start;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return std::chrono::hours(1);
  }

  std::string admin_, db_;
  TempDir dir_a_, dir_b_;
  DemoSource source_{dir_a_};
  std::unique_ptr<GatewayProcess> a_, b_;
  std::string analyst_, kvk_admin_;
};

TEST_F(MultiInstance, AGrantChangeOnOneInstanceReachesTheOtherWithinASecond) {
  // Both instances up and on the store (the first request opens the connections).
  ASSERT_EQ(businesses_on_b(), 403);
  auto filed = call(*a_, "POST", "/v1/access-requests", analyst_,
                    R"({"role": "analyst", "purpose": "bedrijven-analyse", "dataset": "businesses",
                        "resource": "businesses", "fields": ["kvkNumber", "name", "sbiCode"],
                        "motivation": "Sector analysis across instances."})");
  ASSERT_EQ(filed.status, 201) << filed.body;
  const std::string id = json::parse(filed.body)["id"];
  // Long enough for B's fallback refresh to have nothing to do with what follows.
  std::this_thread::sleep_for(std::chrono::milliseconds(300));

  auto approved = call(*a_, "POST", "/v1/access-requests/" + id + "/approve", kvk_admin_, "{}");
  ASSERT_EQ(approved.status, 200) << approved.body;
  const std::string grant = json::parse(approved.body)["grant"];
  const auto granted_after = until_b_answers(200);
  EXPECT_LT(granted_after, std::chrono::seconds(1)) << "the approval did not reach instance B";

  auto revoked = call(*a_, "DELETE", "/v1/grants/" + grant, kvk_admin_);
  ASSERT_EQ(revoked.status, 200) << revoked.body;
  const auto refused_after = until_b_answers(403);
  EXPECT_LT(refused_after, std::chrono::seconds(1)) << "the revocation did not reach instance B";

  // Each instance writes its own chain; both chains hold B's records and verify from A.
  auto verify = call(*a_, "GET", "/v1/processing-log/verify",
                     demo_token(*a_, dir_a_,
                                "--sub auditor-1 --org 00000001009999999000 "
                                "--role auditor"));
  ASSERT_EQ(verify.status, 200) << verify.body;
  const auto report = json::parse(verify.body);
  EXPECT_TRUE(report["ok"].get<bool>()) << verify.body;
  std::set<std::string> chains;
  for (const auto& c : report["chains"]) {
    chains.insert(c["chainId"].get<std::string>());
    EXPECT_TRUE(c["ok"].get<bool>()) << c.dump();
  }
  EXPECT_TRUE(chains.count("instance-a") && chains.count("instance-b")) << verify.body;
}

}  // namespace
}  // namespace bronpoort::testing
