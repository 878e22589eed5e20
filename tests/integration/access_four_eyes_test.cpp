// Issue #12 items 6 and 7 through the real binary: four eyes on access requests (no self-approval,
// no precedent across organisations unless the purpose opts in), and grant changes that do not
// take effect without their durable audit record in the processing log.
//
// The log is made to refuse records with a SQLite trigger on its table, added from outside the
// gateway: unlike file permissions (which root ignores) or a full disk (which needs a mount), it
// fails exactly the inserts it names, for any user, and is dropped again to show recovery.

#include "support/demo_world.hpp"
#include "support/gateway_process.hpp"
#include "support/http_client.hpp"

#include <gtest/gtest.h>

#include <sqlite3.h>

#include <chrono>
#include <cstdlib>
#include <thread>

namespace bronpoort::testing {
namespace {

using nlohmann::json;

constexpr const char* kMunicipality = "00000001001234567000";  // an analyst's organisation
constexpr const char* kBureau = "00000001002345678000";        // another analysts' organisation
constexpr const char* kKvk = "00000099000000000002";           // holder of the businesses dataset

const std::string kRequestBody = R"({"role": "analyst", "purpose": "bedrijven-analyse",
    "dataset": "businesses", "resource": "businesses", "fields": ["kvkNumber", "name"],
    "motivation": "Sector analysis for the economic policy memo."})";
const std::string kCheckBody = R"({"purpose": "bedrijven-analyse", "dataset": "businesses",
    "resource": "businesses", "fields": ["kvkNumber", "name"]})";

class AccessFourEyes : public ::testing::Test {
 protected:
  void SetUp() override {
    // No data is fetched here: grants are observed through POST /v1/access-checks.
    copy_demo_registrations(dir_, 0);
    ::setenv("BRONPOORT_DEBT_PG_DSN", "host=127.0.0.1 port=1 dbname=none connect_timeout=1", 1);
    gateway_ = std::make_unique<GatewayProcess>(dir_, demo_gateway_config());
    analyst_ = token("--sub analyst-1 --org " + std::string(kMunicipality) + " --role analyst");
    kvk_admin_ = token("--sub kvk-admin --org " + std::string(kKvk) + " --role source-admin");
  }

  std::string token(const std::string& args) { return demo_token(*gateway_, dir_, args); }

  Response call(const std::string& method, const std::string& target, const std::string& token,
                const std::string& body = "") {
    std::string headers = "Authorization: Bearer " + token;
    if (!body.empty()) headers += "\r\nContent-Type: application/json";
    auto r = request(gateway_->port(), method, target, body, headers);
    EXPECT_TRUE(r) << method << " " << target << ": no answer";
    return r ? *r : Response{};
  }

  std::string file_request(const std::string& token) {
    auto filed = call("POST", "/v1/access-requests", token, kRequestBody);
    EXPECT_EQ(filed.status, 201) << filed.body;
    return filed.status == 201 ? json::parse(filed.body)["id"].get<std::string>() : "";
  }

  std::string state_of(const std::string& id, const std::string& token) {
    auto r = call("GET", "/v1/access-requests/" + id, token);
    EXPECT_EQ(r.status, 200) << r.body;
    return r.status == 200 ? json::parse(r.body)["state"].get<std::string>() : "";
  }

  bool may_use_businesses(const std::string& token) {
    auto r = call("POST", "/v1/access-checks", token, kCheckBody);
    EXPECT_EQ(r.status, 200) << r.body;
    return r.status == 200 && json::parse(r.body)["allowed"].get<bool>();
  }

  static std::string code_of(const Response& r) {
    auto j = json::parse(r.body, nullptr, false);
    return j.is_object() ? j.value("code", "") : "";
  }

  // Runs SQL on the gateway's SQLite store (access tables and processing log share the file).
  std::string sql(const std::string& statement) {
    sqlite3* db = nullptr;
    std::string out;
    if (sqlite3_open((dir_.path() / "bronpoort.db").c_str(), &db) != SQLITE_OK) {
      ADD_FAILURE() << "cannot open the store";
      sqlite3_close(db);
      return out;
    }
    sqlite3_busy_timeout(db, 5000);
    auto row = [](void* into, int n, char** values, char**) {
      auto& s = *static_cast<std::string*>(into);
      for (int i = 0; i < n; ++i) s += (values[i] ? values[i] : "") + std::string("\n");
      return 0;
    };
    char* error = nullptr;
    if (sqlite3_exec(db, statement.c_str(), row, &out, &error) != SQLITE_OK) {
      ADD_FAILURE() << statement << ": " << (error ? error : "?");
      sqlite3_free(error);
    }
    sqlite3_close(db);
    return out;
  }

  // The log's records of `event` about `object_id`. The gateway indexes its commit journal into
  // the tables read here shortly after the commit, so this waits up to 5 s for `expected`.
  int audit_records(const std::string& event, const std::string& object_id, int expected) {
    int n = 0;
    for (int i = 0; i < 100; ++i) {
      n = std::atoi(sql("SELECT count(*) FROM processing_log WHERE event = '" + event +
                        "' AND details LIKE '%" + object_id + "%'")
                        .c_str());
      if (n == expected) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return n;
  }

  // Waits up to 10 s for /readyz to say `ready` (200) or not (503).
  bool readiness_becomes(bool ready) {
    for (int i = 0; i < 200; ++i) {
      auto r = request(gateway_->port(), "GET", "/readyz", "", "");
      if (r && (r->status == 200) == ready) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  }

  // Makes the processing log refuse records: the SQLite tables refuse them, so the indexer stops
  // at the next committed record and the log fails closed from then on, until the refusal is
  // dropped. That record: another organisation's data request, refused (no grant) and logged.
  void log_refuses_records() {
    sql("CREATE TRIGGER test_log_refuses BEFORE INSERT ON processing_log "
        "BEGIN SELECT RAISE(ABORT, 'test: log refuses the record'); END");
    const std::string outsider =
        token("--sub analyst-9 --org " + std::string(kBureau) + " --role analyst");
    auto refused =
        request(gateway_->port(), "GET", "/v1/datasets/businesses/businesses", "",
                "Authorization: Bearer " + outsider + "\r\nProcessing-Purpose: bedrijven-analyse");
    ASSERT_TRUE(refused);
    EXPECT_EQ(refused->status, 403) << refused->body;
    ASSERT_TRUE(readiness_becomes(false)) << gateway_->log();
  }
  void log_takes_records_again() {
    sql("DROP TRIGGER test_log_refuses");
    ASSERT_TRUE(readiness_becomes(true)) << gateway_->log();
  }

  TempDir dir_;
  std::unique_ptr<GatewayProcess> gateway_;
  std::string analyst_, kvk_admin_;
};

// The attack: one token holding both analyst and source-admin at the holder files a request and
// approves it itself.
TEST_F(AccessFourEyes, TokenWithBothRolesCannotApproveItsOwnRequest) {
  const std::string both =
      token("--sub kvk-analyst --org " + std::string(kKvk) + " --role analyst --role source-admin");
  const std::string id = file_request(both);
  ASSERT_FALSE(id.empty());

  auto self = call("POST", "/v1/access-requests/" + id + "/approve", both, R"({"reason": "ok"})");
  EXPECT_EQ(self.status, 403) << self.body;
  EXPECT_EQ(code_of(self), "four-eyes-required");
  EXPECT_EQ(self.header("content-type"), "application/problem+json");
  auto reject = call("POST", "/v1/access-requests/" + id + "/reject", both, "");
  EXPECT_EQ(code_of(reject), "four-eyes-required");
  EXPECT_EQ(state_of(id, both), "pending");
  EXPECT_FALSE(may_use_businesses(both));
  EXPECT_EQ(audit_records("access-request.approved", id, 0), 0);

  // A second person at the holder decides.
  auto approved = call("POST", "/v1/access-requests/" + id + "/approve", kvk_admin_, "");
  EXPECT_EQ(approved.status, 200) << approved.body;
  EXPECT_TRUE(may_use_businesses(both));
}

// The spread: a decision about one organisation's request does not approve another
// organisation's identical request by precedent (bedrijven-analyse does not opt in).
TEST_F(AccessFourEyes, ApprovalDoesNotSpreadToAnotherOrganisationByPrecedent) {
  const std::string first = file_request(analyst_);
  ASSERT_EQ(call("POST", "/v1/access-requests/" + first + "/approve", kvk_admin_, "").status, 200);
  ASSERT_TRUE(may_use_businesses(analyst_));

  const std::string other =
      token("--sub analyst-9 --org " + std::string(kBureau) + " --role analyst");
  auto filed = call("POST", "/v1/access-requests", other, kRequestBody);
  ASSERT_EQ(filed.status, 201) << filed.body;
  EXPECT_EQ(json::parse(filed.body)["state"], "pending");
  EXPECT_FALSE(may_use_businesses(other));
}

// Fail-closed: while the processing log refuses records, an approval answers 503 and the request
// stays pending; a revocation answers 503 and the grant stays active. When the log takes records
// again, the same calls go through, each with its record.
TEST_F(AccessFourEyes, GrantChangesWaitForTheirDurableAuditRecord) {
  const std::string id = file_request(analyst_);
  ASSERT_FALSE(id.empty());
  log_refuses_records();

  auto approved = call("POST", "/v1/access-requests/" + id + "/approve", kvk_admin_, "");
  EXPECT_EQ(approved.status, 503) << approved.body;
  EXPECT_EQ(code_of(approved), "audit-unavailable");
  EXPECT_EQ(state_of(id, analyst_), "pending");
  EXPECT_FALSE(may_use_businesses(analyst_));
  EXPECT_EQ(sql("SELECT state FROM access_requests WHERE id = '" + id + "'"), "pending\n");
  EXPECT_EQ(sql("SELECT count(*) FROM access_grants"), "0\n");

  log_takes_records_again();
  approved = call("POST", "/v1/access-requests/" + id + "/approve", kvk_admin_, "");
  ASSERT_EQ(approved.status, 200) << approved.body;
  const std::string grant = json::parse(approved.body)["grant"];
  EXPECT_TRUE(may_use_businesses(analyst_));
  EXPECT_EQ(audit_records("access-request.approved", id, 1), 1);
  EXPECT_EQ(audit_records("grant.created", grant, 1), 1);

  log_refuses_records();
  auto revoked = call("DELETE", "/v1/grants/" + grant, kvk_admin_);
  EXPECT_EQ(revoked.status, 503) << revoked.body;
  EXPECT_EQ(code_of(revoked), "audit-unavailable");
  EXPECT_TRUE(may_use_businesses(analyst_));

  log_takes_records_again();
  revoked = call("DELETE", "/v1/grants/" + grant, kvk_admin_);
  EXPECT_EQ(revoked.status, 200) << revoked.body;
  EXPECT_FALSE(may_use_businesses(analyst_));
  EXPECT_EQ(audit_records("grant.revoked", grant, 1), 1);
}

}  // namespace
}  // namespace bronpoort::testing
