// Data requests end to end through the real binary, against the real demo source holder: the
// role-and-purpose check, minimisation, refusals, access requests becoming grants, and the
// processing log recording all of it.

#include "support/demo_world.hpp"
#include "support/gateway_process.hpp"
#include "support/http_client.hpp"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>
#include <atomic>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <map>
#include <mutex>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

namespace bronpoort::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr const char* kMunicipality = "00000001001234567000";  // the calling organisation
constexpr const char* kKvk = "00000099000000000002";           // holder of the businesses dataset

class DataFlow : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NE(source_.port(), 0) << "demo source did not start";
    // The committed demo registrations, pointed at this test's demo source.
    copy_demo_registrations(dir_, source_.port());
    // The PostgreSQL registry is not under test here; it stays unreachable (503 if asked).
    ::setenv("BRONPOORT_DEBT_PG_DSN", "host=127.0.0.1 port=1 dbname=none connect_timeout=1", 1);
    auto cfg = demo_gateway_config();
    cfg_ = cfg;
    gateway_ = std::make_unique<GatewayProcess>(dir_, cfg);
    case_worker_ =
        token("--sub case-worker-1 --org " + std::string(kMunicipality) + " --role case-worker");
    analyst_ = token("--sub analyst-1 --org " + std::string(kMunicipality) + " --role analyst");
    kvk_admin_ = token("--sub kvk-admin --org " + std::string(kKvk) + " --role source-admin");
    auditor_ = token("--sub auditor-1 --org 00000001009999999000 --role auditor");
  }

  std::string token(const std::string& args) { return demo_token(*gateway_, dir_, args); }

  // A BSN that exists in the demo persons registry, asked of the source directly.
  std::string some_bsn() {
    auto r =
        request(static_cast<std::uint16_t>(source_.port()), "POST", "/brp/persons/query",
                R"({"filters":[],"sort":[],"fields":[],"offset":0,"limit":2,"includeTotal":false})",
                "Content-Type: application/json");
    EXPECT_TRUE(r && r->status == 200);
    return json::parse(r->body)["items"][0]["bsn"];
  }

  std::optional<Response> call(const std::string& method, const std::string& target,
                               const std::string& token, const std::string& purpose = "",
                               const std::string& body = "") {
    std::string headers = "Authorization: Bearer " + token;
    if (!purpose.empty()) headers += "\r\nProcessing-Purpose: " + purpose;
    if (!body.empty()) headers += "\r\nContent-Type: application/json";
    return request(gateway_->port(), method, target, body, headers);
  }

  json log_records(const std::string& trace_id) {
    auto r = call("GET", "/v1/processing-log?traceId=" + trace_id, auditor_);
    EXPECT_TRUE(r && r->status == 200) << (r ? std::to_string(r->status) + r->body : "no answer");
    return r ? json::parse(r->body)["records"] : json::array();
  }

  TempDir dir_;
  json cfg_;
  DemoSource source_{dir_};
  std::unique_ptr<GatewayProcess> gateway_;
  std::string case_worker_, analyst_, kvk_admin_, auditor_;
};

std::string trace_id_of(const Response& r) {
  return r.header("traceparent").substr(3, 32);
}

TEST_F(DataFlow, CaseWorkerGetsOnePersonWithOnlyGrantedFieldsAndItIsLogged) {
  const std::string bsn = some_bsn();
  auto r = call("POST", "/v1/datasets/persons/persons/search", case_worker_,
                "schuldhulpverlening-intake", R"({"filters": {"bsn": {"eq": ")" + bsn + R"("}}})");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  auto persons = json::parse(r->body)["_embedded"]["persons"];
  ASSERT_EQ(persons.size(), 1u);
  EXPECT_EQ(persons[0]["bsn"], bsn);
  EXPECT_TRUE(persons[0].contains("familyName"));
  EXPECT_FALSE(persons[0].contains("municipality"));  // not covered by the purpose
  EXPECT_EQ(r->header("withheld-fields"), "municipality");
  EXPECT_EQ(r->header("cache-control"), "no-store");

  // Durable before release: the records are there as soon as the answer is.
  auto records = log_records(trace_id_of(*r));
  ASSERT_GE(records.size(), 2u) << records.dump();  // processing record(s) + audit record
  const std::string dumped = records.dump();
  EXPECT_EQ(dumped.find(bsn), std::string::npos) << "raw BSN in the log";
  EXPECT_NE(dumped.find("schuldhulpverlening-intake"), std::string::npos);
  EXPECT_NE(dumped.find("dpl.core.data_subject_id"), std::string::npos);
}

TEST_F(DataFlow, RefusesMissingOrForeignPurposeAndCaseRequestsWithoutOneSubject) {
  const std::string bsn = some_bsn();
  const std::string one = R"({"filters": {"bsn": {"eq": ")" + bsn + R"("}}})";
  auto no_purpose = call("POST", "/v1/datasets/persons/persons/search", case_worker_, "", one);
  ASSERT_TRUE(no_purpose);
  EXPECT_EQ(no_purpose->status, 400);
  EXPECT_NE(no_purpose->body.find("purpose-missing"), std::string::npos);

  auto foreign =
      call("POST", "/v1/datasets/persons/persons/search", case_worker_, "bedrijven-analyse", one);
  ASSERT_TRUE(foreign);
  EXPECT_EQ(foreign->status, 403) << foreign->body;

  auto unknown = call("POST", "/v1/datasets/persons/persons/search", case_worker_, "made-up", one);
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 403);
  EXPECT_NE(unknown->body.find("purpose-unknown"), std::string::npos);

  auto everyone = call("POST", "/v1/datasets/persons/persons/search", case_worker_,
                       "schuldhulpverlening-intake", R"({"filters": {}})");
  ASSERT_TRUE(everyone);
  EXPECT_EQ(everyone->status, 403);
  EXPECT_NE(everyone->body.find("case-scope-requires-subject"), std::string::npos);

  auto in_uri = call("GET", "/v1/datasets/persons/persons?bsn=" + bsn, case_worker_,
                     "schuldhulpverlening-intake");
  ASSERT_TRUE(in_uri);
  EXPECT_EQ(in_uri->status, 400);
  EXPECT_NE(in_uri->body.find("sensitive-in-uri"), std::string::npos);

  auto anonymous = request(gateway_->port(), "POST", "/v1/datasets/persons/persons/search", one,
                           "Processing-Purpose: schuldhulpverlening-intake");
  ASSERT_TRUE(anonymous);
  EXPECT_EQ(anonymous->status, 401);

  // Refusals are recorded too.
  auto records = log_records(trace_id_of(*everyone));
  ASSERT_FALSE(records.empty());
  EXPECT_NE(records.dump().find("deny"), std::string::npos) << records.dump();

  // A token refused at authentication processed nobody's data: no durable record, so anonymous
  // clients cannot fill the append-only log (docs/security.md); it is counted instead.
  std::string forged = case_worker_;
  forged.back() = forged.back() == 'A' ? 'B' : 'A';
  auto bad_token = call("POST", "/v1/datasets/persons/persons/search", forged,
                        "schuldhulpverlening-intake", one);
  ASSERT_TRUE(bad_token);
  EXPECT_EQ(bad_token->status, 401) << bad_token->body;
  EXPECT_TRUE(log_records(trace_id_of(*bad_token)).empty());
  auto metrics = request(gateway_->port(), "GET", "/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_NE(metrics->body.find("bronpoort_unauthenticated_refusals_total{limited=\"false\"} 2"),
            std::string::npos);
}

TEST_F(DataFlow, AnalystAccessRequestBecomesAGrantAfterApprovalAndRevocationEndsIt) {
  const std::string target = "/v1/datasets/businesses/businesses?pageSize=5";
  auto before = call("GET", target, analyst_, "bedrijven-analyse");
  ASSERT_TRUE(before);
  ASSERT_EQ(before->status, 403) << before->body;
  EXPECT_NE(before->body.find("no-grant"), std::string::npos);

  auto filed = call("POST", "/v1/access-requests", analyst_, "",
                    R"({"role": "analyst", "purpose": "bedrijven-analyse", "dataset": "businesses",
                        "resource": "businesses", "fields": ["kvkNumber", "name", "sbiCode"],
                        "motivation": "Sector analysis for the economic policy memo."})");
  ASSERT_TRUE(filed);
  ASSERT_EQ(filed->status, 201) << filed->body;
  const std::string id = json::parse(filed->body)["id"];
  EXPECT_EQ(json::parse(filed->body)["state"], "pending");

  // Only the dataset holder's source admin may approve.
  auto self_approval =
      call("POST", "/v1/access-requests/" + id + "/approve", analyst_, "", R"({"reason": "self"})");
  ASSERT_TRUE(self_approval);
  EXPECT_GE(self_approval->status, 403);

  auto approved = call("POST", "/v1/access-requests/" + id + "/approve", kvk_admin_, "",
                       R"({"reason": "Approved for the sector analysis."})");
  ASSERT_TRUE(approved);
  ASSERT_EQ(approved->status, 200) << approved->body;
  const std::string grant = json::parse(approved->body)["grant"];

  auto after = call("GET", target, analyst_, "bedrijven-analyse");
  ASSERT_TRUE(after);
  ASSERT_EQ(after->status, 200) << after->body;
  auto rows = json::parse(after->body)["_embedded"]["businesses"];
  ASSERT_FALSE(rows.empty());
  EXPECT_FALSE(rows[0].contains("foundedDate"));  // not in the granted fields

  auto revoked = call("DELETE", "/v1/grants/" + grant, kvk_admin_);
  ASSERT_TRUE(revoked);
  EXPECT_LT(revoked->status, 300) << revoked->body;
  auto gone = call("GET", target, analyst_, "bedrijven-analyse");
  ASSERT_TRUE(gone);
  EXPECT_EQ(gone->status, 403);
}

// A search body is checked against the resource's search schema before any source is asked: the
// debt registry is unreachable here, yet a bad body is a 400 listing every violation, not a 503.
TEST_F(DataFlow, InvalidSearchBodiesAreRefusedBeforeAnySourceIsCalled) {
  auto r = call("POST", "/v1/datasets/debt-assistance/cases/search", case_worker_,
                "schuldhulpverlening-intake",
                R"({"filters": {"bsn": {"eq": 123456782}}, "pageSize": 100000, "limit": 1})");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400) << r->body;
  EXPECT_EQ(r->header("content-type"), "application/problem+json");
  auto problem = json::parse(r->body);
  EXPECT_EQ(problem["code"], "invalid-request");
  std::set<std::string> names;
  for (const auto& p : problem["invalidParams"]) names.insert(p["name"].get<std::string>());
  EXPECT_EQ(names, (std::set<std::string>{"/filters/bsn/eq", "/limit", "/pageSize"})) << r->body;
  EXPECT_EQ(r->body.find("123456782"), std::string::npos) << "the value is not echoed";

  auto request = call("POST", "/v1/access-requests", analyst_, "",
                      R"({"role": "analyst", "purpose": "bedrijven-analyse"})");
  ASSERT_TRUE(request);
  EXPECT_EQ(request->status, 400) << request->body;
  EXPECT_EQ(json::parse(request->body)["code"], "invalid-request");
  EXPECT_EQ(json::parse(request->body)["invalidParams"].size(), 4u) << request->body;
}

TEST_F(DataFlow, SourceFaultsBecomeProblemsAndTheGatewayKeepsServing) {
  // The PostgreSQL registry is unreachable in this test: 503, not a hang or a crash.
  const std::string bsn = some_bsn();
  auto down =
      call("POST", "/v1/datasets/debt-assistance/cases/search", case_worker_,
           "schuldhulpverlening-intake", R"({"filters": {"bsn": {"eq": ")" + bsn + R"("}}})");
  ASSERT_TRUE(down);
  EXPECT_EQ(down->status, 503) << down->body;
  EXPECT_NE(down->body.find("source-unavailable"), std::string::npos);
  auto unknown =
      call("GET", "/v1/datasets/nope/nothing", case_worker_, "schuldhulpverlening-intake");
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 404);
  auto sewage = call("GET", "/v1/datasets/sewage-surveillance/measurements?pageSize=2", analyst_,
                     "rioolwater-surveillance");
  ASSERT_TRUE(sewage);
  EXPECT_EQ(sewage->status, 200) << sewage->body;
}

TEST_F(DataFlow, UpstreamFaultsBecomeTheStatedProblemsAndServiceResumes) {
  const std::string target = "/v1/datasets/sewage-surveillance/measurements?pageSize=2";
  auto set_fault = [&](const std::string& mode, int delay_ms = 10000) {
    auto r = request(static_cast<std::uint16_t>(source_.port()), "PUT", "/_control/fault",
                     json{{"mode", mode}, {"delayMs", delay_ms}}.dump(),
                     "Content-Type: application/json");
    ASSERT_TRUE(r && r->status == 200) << mode;
  };
  struct Case {
    const char* mode;
    int status;
    const char* code;
  };
  // The sewage source's read timeout is 5 s; "slow" answers after 8 s.
  for (const Case& c :
       {Case{"slow", 504, "source-timeout"}, Case{"garbage", 502, ""},
        Case{"invalid", 502, "source-invalid-response"},
        Case{"oversized", 502, "source-response-too-large"}, Case{"error500", 502, "source-error"},
        Case{"reset", 502, ""}, Case{"http-garbage", 502, ""}}) {
    set_fault(c.mode, 8000);
    auto r = call("GET", target, analyst_, "rioolwater-surveillance");
    ASSERT_TRUE(r) << c.mode << ": no answer";
    EXPECT_EQ(r->status, c.status) << c.mode << ": " << r->body;
    EXPECT_EQ(r->header("content-type"), "application/problem+json") << c.mode;
    EXPECT_NE(r->body.find(c.code), std::string::npos) << c.mode << ": " << r->body;
    EXPECT_EQ(r->body.find("_embedded"), std::string::npos) << "data leaked with " << c.mode;
  }
  set_fault("none");
  auto healthy = call("GET", target, analyst_, "rioolwater-surveillance");
  ASSERT_TRUE(healthy);
  EXPECT_EQ(healthy->status, 200) << healthy->body;
}

// Every GET the OpenAPI document describes, called through the demo with a token and purpose
// suited to it, answers with a status the document declares for that operation.
TEST_F(DataFlow, EveryGetInTheOpenApiDocumentAnswersAsDocumented) {
  auto doc = json::parse(request(gateway_->port(), "GET", "/v1/openapi.json")->body);
  const std::string citizen = token("--sub citizen-1 --org " + std::string(kMunicipality) +
                                    " --role data-subject --bsn " + some_bsn());
  const std::map<std::string, std::pair<std::string, std::string>> by_dataset = {
      {"persons", {case_worker_, "schuldhulpverlening-intake"}},
      {"debt-assistance", {case_worker_, "schuldhulpverlening-intake"}},
      {"addresses", {case_worker_, "adres-verificatie"}},
      {"businesses", {analyst_, "bedrijven-analyse"}},
      {"sewage-surveillance", {analyst_, "rioolwater-surveillance"}}};
  int called = 0;
  int answered = 0;
  for (const auto& [path, item] : doc["paths"].items()) {
    if (!item.contains("get")) continue;
    const auto& op = item["get"];
    std::string target = "/v1" + path;
    std::string tok = analyst_;
    std::string purpose;
    if (path.rfind("/processing-log", 0) == 0) tok = auditor_;
    if (path == "/my-processing-log") tok = citizen;
    if (path.rfind("/datasets/", 0) == 0) {
      std::string dataset = path.substr(10, path.find('/', 10) - 10);
      if (auto it = by_dataset.find(dataset); it != by_dataset.end()) {
        tok = it->second.first;
        purpose = it->second.second;
      }
    }
    auto fill = [&](const std::string& name, const std::string& value) {
      if (auto p = target.find("{" + name + "}"); p != std::string::npos) {
        target.replace(p, name.size() + 2, value);
      }
    };
    fill("dataset", "persons");
    fill("id", path.rfind("/purposes", 0) == 0 ? "schuldhulpverlening-intake" : "unknown-id");
    auto r = call("GET", target, tok, purpose);
    ASSERT_TRUE(r) << target;
    const std::string status = std::to_string(r->status);
    EXPECT_TRUE(op["responses"].contains(status) || op["responses"].contains("default"))
        << "GET " << target << " answered " << status
        << " which the document does not declare: " << r->body.substr(0, 300);
    ++called;
    if (r->status == 200) ++answered;
  }
  EXPECT_GE(called, 15);
  // Most of them answer with data or metadata, not just with a documented refusal.
  EXPECT_GE(answered, called / 2) << answered << " of " << called << " answered 200";
}

// The PostgreSQL-held registry through the gateway, on the throwaway cluster the test script runs.
TEST(DataFlowPostgres, CaseWorkerReadsTheDebtRegistryFromPostgreSQL) {
  const char* admin = std::getenv("BRONPOORT_TEST_PG_DSN");
  if (!admin) {
    if (std::getenv("BRONPOORT_REQUIRE_PG")) FAIL() << "BRONPOORT_TEST_PG_DSN is not set";
    GTEST_SKIP() << "no PostgreSQL (set BRONPOORT_TEST_PG_DSN)";
  }
  TempDir dir;
  const std::string db = "debt_it_" + std::to_string(::getpid());
  const std::string reader_dsn = load_demo_debt_registry(dir, db, 300);
  ASSERT_FALSE(reader_dsn.empty()) << "scripts/load-demo-pg.sh failed";
  auto bsn_file = dir.path() / "bsn";
  ASSERT_EQ(run_command("psql '" + reader_dsn +
                        "' -tAc 'SELECT bsn FROM debt.cases ORDER BY case_id LIMIT 1' >" +
                        bsn_file.string()),
            0);
  std::string bsn = slurp(bsn_file).substr(0, 9);

  ::setenv("BRONPOORT_DEBT_PG_DSN", reader_dsn.c_str(), 1);
  copy_demo_registrations(dir, 0);
  auto cfg = demo_gateway_config();
  GatewayProcess gw(dir, cfg);
  auto token_file = dir.path() / "token";
  ASSERT_EQ(run_command(std::string(BRONPOORT_BINARY) + " token --config " +
                        gw.config_path().string() + " --sub cw --org " + kMunicipality +
                        " --role case-worker >" + token_file.string()),
            0);
  std::string token = slurp(token_file);
  token.pop_back();
  auto r = request(
      gw.port(), "POST", "/v1/datasets/debt-assistance/cases/search",
      R"({"filters": {"bsn": {"eq": ")" + bsn + R"("}}, "sort": ["-openedDate"]})",
      "Authorization: Bearer " + token +
          "\r\nProcessing-Purpose: schuldhulpverlening-intake\r\nContent-Type: application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200) << r->body;
  auto cases = json::parse(r->body)["_embedded"]["cases"];
  ASSERT_FALSE(cases.empty()) << r->body;
  for (const auto& c : cases) {
    EXPECT_EQ(c["bsn"], bsn);
    EXPECT_TRUE(c.contains("debtAmount"));
  }
  run_command("psql '" + std::string(admin) + "' -qc 'DROP DATABASE IF EXISTS " + db +
              " WITH (FORCE)' >/dev/null 2>&1");
}

TEST_F(DataFlow, EveryAnsweredRequestIsInTheLogAfterKillNine) {
  // Several clients keep asking; the gateway is killed without warning in the middle.
  std::mutex mu;
  std::vector<std::string> answered;  // trace ids of 200 responses the clients received
  std::atomic<bool> stop{false};
  std::vector<std::thread> clients;
  for (int c = 0; c < 4; ++c) {
    clients.emplace_back([&] {
      while (!stop) {
        auto r = call("GET", "/v1/datasets/sewage-surveillance/measurements?pageSize=2", analyst_,
                      "rioolwater-surveillance");
        if (!r) continue;  // the gateway is gone
        if (r->status == 200) {
          std::lock_guard lock(mu);
          answered.push_back(trace_id_of(*r));
        }
      }
    });
  }
  // Kill once a fair number of answers are out (bounded in time on a slow machine).
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  while (std::chrono::steady_clock::now() < deadline) {
    {
      std::lock_guard lock(mu);
      if (answered.size() >= 30) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  gateway_->signal(SIGKILL);
  EXPECT_NE(gateway_->wait_exit(std::chrono::seconds(5)), 0);
  stop = true;
  for (auto& t : clients) t.join();
  ASSERT_GE(answered.size(), 30u) << "too little load to mean anything";

  // Restart on the same store: the chain continues and verifies, and nothing answered is missing.
  gateway_ = std::make_unique<GatewayProcess>(dir_, cfg_);
  for (const auto& trace : answered) {
    auto records = log_records(trace);
    ASSERT_FALSE(records.empty()) << "answered request " << trace << " is not in the log";
  }
  auto verify = call("GET", "/v1/processing-log/verify", auditor_);
  ASSERT_TRUE(verify);
  ASSERT_EQ(verify->status, 200) << verify->body;
  EXPECT_EQ(json::parse(verify->body)["ok"], true) << verify->body;
}

}  // namespace
}  // namespace bronpoort::testing
