// The attacks of the adversarial review (issue #12), each performed through the real binary
// against the real demo source holder: who may read the processing log, unauthenticated
// amplification, log flooding, hostile purpose headers, undecodable targets, connection caps and
// shutdown with the PostgreSQL store.

#include "support/demo_world.hpp"
#include "support/gateway_process.hpp"
#include "support/http_client.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <thread>

namespace bronpoort::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr const char* kMunicipality = "00000001001234567000";
constexpr const char* kPersonsSearch = "/v1/datasets/persons/persons/search";

std::string trace_id_of(const Response& r) {
  return r.header("traceparent").substr(3, 32);
}

// Resident set size of a process in kB, from /proc.
long rss_kb(int pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

class SecurityReview : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NE(source_.port(), 0) << "demo source did not start";
    copy_demo_registrations(dir_, source_.port());
    ::setenv("BRONPOORT_DEBT_PG_DSN", "host=127.0.0.1 port=1 dbname=none connect_timeout=1", 1);
  }

  void start(json cfg = demo_gateway_config()) {
    gateway_ = std::make_unique<GatewayProcess>(dir_, cfg);
    case_worker_ =
        token("--sub case-worker-1 --org " + std::string(kMunicipality) + " --role case-worker");
    auditor_ = token("--sub auditor-1 --org 00000001009999999000 --role auditor");
    officer_ = token("--sub fg-1 --org " + std::string(kMunicipality) + " --role privacy-officer");
  }

  std::string token(const std::string& args) { return demo_token(*gateway_, dir_, args); }

  std::string citizen(const std::string& bsn) {
    return token("--sub citizen-1 --org " + std::string(kMunicipality) +
                 " --role data-subject --bsn " + bsn);
  }

  std::vector<std::string> some_bsns(int n) {
    auto r = request(static_cast<std::uint16_t>(source_.port()), "POST", "/brp/persons/query",
                     R"({"filters":[],"sort":[],"fields":[],"offset":0,"limit":)" +
                         std::to_string(n) + R"(,"includeTotal":false})",
                     "Content-Type: application/json");
    std::vector<std::string> out;
    EXPECT_TRUE(r && r->status == 200) << (r ? r->body : "no answer");
    if (!r || r->status != 200) return std::vector<std::string>(static_cast<std::size_t>(n));
    const auto answer = json::parse(r->body);
    for (const auto& p : answer["items"]) out.push_back(p["bsn"]);
    EXPECT_EQ(out.size(), static_cast<std::size_t>(n));
    out.resize(static_cast<std::size_t>(n));
    return out;
  }

  std::optional<Response> call(const std::string& method, const std::string& target,
                               const std::string& token, const std::string& purpose = "",
                               const std::string& body = "") {
    std::string headers;
    if (!token.empty()) headers = "Authorization: Bearer " + token;
    if (!purpose.empty())
      headers += (headers.empty() ? "" : "\r\n") + ("Processing-Purpose: " + purpose);
    if (!body.empty())
      headers += (headers.empty() ? "" : "\r\n") + std::string("Content-Type: application/json");
    return request(gateway_->port(), method, target, body, headers);
  }

  json records(const std::string& query) {
    auto r = call("GET", "/v1/processing-log?" + query, auditor_);
    EXPECT_TRUE(r && r->status == 200) << (r ? std::to_string(r->status) + r->body : "no answer");
    return r && r->status == 200 ? json::parse(r->body)["records"] : json::array();
  }

  TempDir dir_;
  DemoSource source_{dir_};
  std::unique_ptr<GatewayProcess> gateway_;
  std::string case_worker_, auditor_, officer_;
};

// Critical 1: a citizen's token (carrying the municipality's OIN) and a plain case worker read
// nothing of the organisation's log; an auditor's read is itself recorded.
TEST_F(SecurityReview, OnlyExplicitRolesReadTheProcessingLogAndEachReadIsRecorded) {
  start();
  const auto bsns = some_bsns(2);
  // Something to find: the case worker looks up another person.
  auto lookup = call("POST", kPersonsSearch, case_worker_, "schuldhulpverlening-intake",
                     R"({"filters": {"bsn": {"eq": ")" + bsns[1] + R"("}}})");
  ASSERT_TRUE(lookup);
  ASSERT_EQ(lookup->status, 200) << lookup->body;

  const std::string someone_else = R"({"attributes": {"dpl.core.data_subject_id": ")" + bsns[1] +
                                   R"(", "dpl.core.data_subject_id_type": "BSN"}})";
  for (const auto& who : {citizen(bsns[0]), case_worker_}) {
    auto list = call("GET", "/v1/processing-log", who);
    ASSERT_TRUE(list);
    EXPECT_EQ(list->status, 403) << list->body;
    EXPECT_NE(list->body.find("log-access-denied"), std::string::npos);
    auto exported = call("GET", "/v1/processing-log/export", who);
    ASSERT_TRUE(exported);
    EXPECT_EQ(exported->status, 403) << exported->body;
    auto activities =
        call("POST", "/v1/processing-activities", who, "schuldhulpverlening-intake", someone_else);
    ASSERT_TRUE(activities);
    EXPECT_EQ(activities->status, 403) << activities->body;
    EXPECT_EQ(activities->body.find("trace_id"), std::string::npos);
  }

  // The auditor reads; the read leaves an audit record naming the endpoint and the filter.
  auto read = call("GET", "/v1/processing-log?traceId=" + trace_id_of(*lookup), auditor_);
  ASSERT_TRUE(read);
  ASSERT_EQ(read->status, 200) << read->body;
  auto audit = records("kind=audit&traceId=" + trace_id_of(*read));
  ASSERT_EQ(audit.size(), 1u) << audit.dump();
  EXPECT_EQ(audit[0]["event"], "processing-log-read") << audit[0].dump();
  EXPECT_EQ(audit[0]["organisation"], "00000001009999999000");
  EXPECT_NE(audit[0].dump().find(trace_id_of(*lookup)), std::string::npos);

  // A lookup by data subject needs a stated purpose, and the audit record keeps it.
  auto no_purpose = call("POST", "/v1/processing-activities", auditor_, "", someone_else);
  ASSERT_TRUE(no_purpose);
  EXPECT_EQ(no_purpose->status, 400) << no_purpose->body;
  EXPECT_NE(no_purpose->body.find("purpose-missing"), std::string::npos);
  auto with_purpose =
      call("POST", "/v1/processing-activities", auditor_, "klacht-behandeling", someone_else);
  ASSERT_TRUE(with_purpose);
  ASSERT_EQ(with_purpose->status, 200) << with_purpose->body;
  EXPECT_FALSE(json::parse(with_purpose->body)["processingActivities"].empty());
  auto lookup_audit = records("kind=audit&traceId=" + trace_id_of(*with_purpose));
  ASSERT_EQ(lookup_audit.size(), 1u);
  EXPECT_EQ(lookup_audit[0]["purpose"], "klacht-behandeling");
  EXPECT_EQ(lookup_audit[0].dump().find(bsns[1]), std::string::npos) << "raw BSN in the log";

  // The municipality's privacy officer sees its own organisation's requests, and only those.
  auto own = call("GET", "/v1/processing-log?traceId=" + trace_id_of(*lookup), officer_);
  ASSERT_TRUE(own);
  ASSERT_EQ(own->status, 200) << own->body;
  EXPECT_FALSE(json::parse(own->body)["records"].empty());
  auto other = call("GET", "/v1/processing-log?organisation=00000001009999999000", officer_);
  ASSERT_TRUE(other);
  EXPECT_EQ(other->status, 403);
}

// High 3: a large hostile body without a token costs a small 401; with a token, a bounded answer.
TEST_F(SecurityReview, HostileSearchBodiesCostLittleWithOrWithoutAToken) {
  start();
  std::string body = R"({"filters": {"bsn": {"eq": "1"}}, "fields": [)";
  while (body.size() < 979 * 1024) body += "1,";
  body += "1]}";
  auto anonymous = call("POST", kPersonsSearch, "", "schuldhulpverlening-intake", body);
  ASSERT_TRUE(anonymous);
  EXPECT_EQ(anonymous->status, 401) << anonymous->body.substr(0, 300);
  EXPECT_LT(anonymous->body.size(), 2048u);

  auto with_token = call("POST", kPersonsSearch, case_worker_, "schuldhulpverlening-intake", body);
  ASSERT_TRUE(with_token);
  EXPECT_EQ(with_token->status, 400);
  EXPECT_LT(with_token->body.size(), 64u * 1024u);
  auto problem = json::parse(with_token->body);
  EXPECT_LE(problem["invalidParams"].size(), 51u);
  EXPECT_EQ(problem["invalidParams"].back()["code"], "more-violations") << with_token->body;

  // Twenty clients at once that send the body; memory stays within a stated bound.
  const long before = rss_kb(gateway_->pid());
  ASSERT_GT(before, 0);
  std::vector<std::thread> clients;
  for (int i = 0; i < 20; ++i) {
    clients.emplace_back([&, i] {
      call("POST", kPersonsSearch, i % 2 ? case_worker_ : "", "schuldhulpverlening-intake", body);
    });
  }
  for (auto& c : clients) c.join();
  const long after = rss_kb(gateway_->pid());
  RecordProperty("rssGrowthKb", std::to_string(after - before));
  std::printf("RSS after 20 hostile bodies: %ld kB -> %ld kB\n", before, after);
  EXPECT_LT(after - before, 64 * 1024) << "RSS grew from " << before << " kB to " << after;
}

// Medium 8: anonymous refusals are counted, not written to the durable log; an address that keeps
// sending them is slowed down with 429.
TEST_F(SecurityReview, UnauthenticatedRequestsDoNotFillTheLogAndAreRateLimited) {
  auto cfg = demo_gateway_config();
  cfg["server"]["limits"]["unauthenticatedPerSecond"] = 1;
  cfg["server"]["limits"]["unauthenticatedBurst"] = 5;
  start(cfg);
  std::vector<int> statuses;
  std::string first_trace;
  for (int i = 0; i < 8; ++i) {
    auto r = call("GET", "/v1/datasets/addresses/addresses/1", "", "adres-verificatie");
    ASSERT_TRUE(r);
    if (first_trace.empty()) first_trace = trace_id_of(*r);
    statuses.push_back(r->status);
  }
  EXPECT_EQ(statuses.front(), 401);
  EXPECT_EQ(statuses.back(), 429);
  const auto limited = std::count(statuses.begin(), statuses.end(), 429);
  EXPECT_GE(limited, 2);  // a token may refill during the loop on a slow machine, no more
  EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 401) + limited, 8);
  EXPECT_TRUE(records("traceId=" + first_trace).empty()) << "a 401 was written to the log";
  auto metrics = call("GET", "/metrics", "");
  ASSERT_TRUE(metrics);
  EXPECT_NE(metrics->body.find("bronpoort_unauthenticated_refusals_total{limited=\"true\"} " +
                               std::to_string(limited)),
            std::string::npos)
      << metrics->body;
}

// Medium 5b / #14: two purpose headers, the first hostile: refused, and no caller text in the log.
TEST_F(SecurityReview, AHostileSecondPurposeHeaderLeavesNoTextInTheLog) {
  start();
  const auto bsn = some_bsns(1)[0];
  const std::string hostile = "<script>" + std::string(8000, 'x') + "</script>\xff\xfe";
  auto r = request(gateway_->port(), "POST", kPersonsSearch,
                   R"({"filters": {"bsn": {"eq": ")" + bsn + R"("}}})",
                   "Authorization: Bearer " + case_worker_ + "\r\nProcessing-Purpose: " + hostile +
                       "\r\nProcessing-Purpose: schuldhulpverlening-intake\r\n"
                       "Content-Type: application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400) << r->body;
  EXPECT_NE(r->body.find("purpose-ambiguous"), std::string::npos);
  auto logged = records("traceId=" + trace_id_of(*r));
  ASSERT_FALSE(logged.empty());
  for (const auto& rec : logged) {
    EXPECT_EQ(rec.dump().find("script"), std::string::npos) << rec.dump();
    EXPECT_TRUE(!rec.contains("purpose") || rec["purpose"].get<std::string>().empty())
        << rec.dump();
  }
  // The refused lookup is still an attempt on that person's data: the citizen sees it.
  auto mine = call("GET", "/v1/my-processing-log", citizen(bsn));
  ASSERT_TRUE(mine);
  ASSERT_EQ(mine->status, 200) << mine->body;
  bool seen = false;
  const auto my_records = json::parse(mine->body);
  for (const auto& rec : my_records["records"]) {
    if (rec["traceId"] == trace_id_of(*r)) seen = rec["outcome"] == "refused";
  }
  EXPECT_TRUE(seen) << mine->body;
}

// Low: a query string that decodes to invalid UTF-8 is a 400, not a 500.
TEST_F(SecurityReview, UndecodableQueryStringIsABadRequest) {
  start();
  auto r = call("GET", "/v1/datasets/sewage-surveillance/measurements?location=%FF", auditor_,
                "rioolwater-surveillance");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400) << r->body;
  EXPECT_NE(r->body.find("malformed-target"), std::string::npos);
  auto alive = call("GET", "/healthz", "");
  ASSERT_TRUE(alive);
  EXPECT_EQ(alive->status, 200);
}

// Low: a caller to whom the id is withheld does not get the records in id order. Here an analyst
// whose purpose covers businesses without their KvK number lists them sorted by SBI code: within
// one code the source holder sorts by KvK number, and the gateway reorders those ties by a keyed
// hash, the same way on every request.
TEST_F(SecurityReview, RecordsAreNotInIdOrderWhenTheIdIsWithheld) {
  dir_.write("purposes/bedrijven-zonder-kvk.json", R"({
    "id": "bedrijven-zonder-kvk", "name": "Bedrijven zonder KvK-nummer",
    "description": "Test purpose: business composition without the registration number.",
    "legalBasis": {"citation": "Test", "category": "PublicTask"},
    "processingActivity": "https://register.example.nl/verwerkingsactiviteiten/test",
    "roles": ["analyst"],
    "coverage": {"businesses": {"businesses": ["name", "sbiCode", "foundedDate"]}},
    "scope": "dataset", "validity": {"from": "2024-01-01"}, "preApproved": true})");
  start();
  const std::string analyst =
      token("--sub analyst-1 --org " + std::string(kMunicipality) + " --role analyst");
  const std::string target = "/v1/datasets/businesses/businesses?sort=sbiCode&pageSize=100";
  auto first = call("GET", target, analyst, "bedrijven-zonder-kvk");
  ASSERT_TRUE(first);
  ASSERT_EQ(first->status, 200) << first->body;
  const auto listed = json::parse(first->body)["_embedded"]["businesses"];
  ASSERT_EQ(listed.size(), 100u);
  // What the source holder itself answers for the same page, with the KvK numbers.
  auto direct = request(static_cast<std::uint16_t>(source_.port()), "POST", "/hr/businesses/query",
                        R"({"filters":[],"sort":[{"field":"sbiCode","descending":false},)"
                        R"({"field":"kvkNumber","descending":false}],"fields":[],"offset":0,)"
                        R"("limit":100,"includeTotal":false})",
                        "Content-Type: application/json");
  ASSERT_TRUE(direct && direct->status == 200) << (direct ? direct->body : "no answer");
  const auto source_items = json::parse(direct->body)["items"];
  ASSERT_EQ(source_items.size(), 100u);
  std::map<std::string, std::string> kvk_of;  // name|foundedDate -> KvK number
  for (const auto& b : source_items) {
    kvk_of[b["name"].get<std::string>() + "|" + b["foundedDate"].get<std::string>()] =
        b["kvkNumber"];
  }
  int ties = 0, out_of_id_order = 0;
  for (std::size_t i = 0; i < listed.size(); ++i) {
    EXPECT_FALSE(listed[i].contains("kvkNumber")) << listed[i].dump();
    if (i == 0) continue;
    const auto& a = listed[i - 1];
    const auto& b = listed[i];
    EXPECT_LE(a["sbiCode"].get<std::string>(), b["sbiCode"].get<std::string>());
    if (a["sbiCode"] != b["sbiCode"]) continue;
    ++ties;
    const auto ka =
        kvk_of[a["name"].get<std::string>() + "|" + a["foundedDate"].get<std::string>()];
    const auto kb =
        kvk_of[b["name"].get<std::string>() + "|" + b["foundedDate"].get<std::string>()];
    ASSERT_FALSE(ka.empty() || kb.empty()) << "a listed business is not on the source's page";
    if (ka > kb) ++out_of_id_order;
  }
  ASSERT_GT(ties, 20) << "the demo page should have many businesses per SBI code";
  // In id order there would be none; a keyed hash puts about half of the neighbours the other way.
  EXPECT_GT(out_of_id_order, ties / 5);
  auto again = call("GET", target, analyst, "bedrijven-zonder-kvk");
  ASSERT_TRUE(again && again->status == 200);
  EXPECT_EQ(json::parse(again->body)["_embedded"]["businesses"], listed);
}

// Medium 9: one address cannot hold every connection, and idle keep-alive connections give way
// to new clients under pressure, oldest first.
TEST_F(SecurityReview, ConnectionsAreCappedPerAddressAndIdleOnesGiveWay) {
  auto cfg = demo_gateway_config();
  cfg["server"]["limits"]["maxConnectionsPerAddress"] = 3;
  start(cfg);
  std::vector<std::unique_ptr<Connection>> held;
  for (int i = 0; i < 3; ++i) {
    held.push_back(std::make_unique<Connection>(gateway_->port()));
    ASSERT_TRUE(held.back()->connected());
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  Connection fourth(gateway_->port());
  EXPECT_TRUE(fourth.closed_by_peer(std::chrono::seconds(2))) << "per-address cap not applied";
  held.clear();
  gateway_.reset();

  auto busy = demo_gateway_config();
  busy["server"]["limits"]["maxConnections"] = 3;
  start(busy);
  std::vector<std::unique_ptr<Connection>> idle;
  for (int i = 0; i < 3; ++i) {
    idle.push_back(std::make_unique<Connection>(gateway_->port()));
    ASSERT_TRUE(idle.back()->send(build_request("GET", "/healthz", "", "")));
    ASSERT_TRUE(idle.back()->read_response());
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  Connection newcomer(gateway_->port());
  ASSERT_TRUE(newcomer.send(build_request("GET", "/healthz", "", "")));
  auto answer = newcomer.read_response();
  ASSERT_TRUE(answer) << "the newcomer was not admitted";
  EXPECT_EQ(answer->status, 200);
  EXPECT_TRUE(idle.front()->closed_by_peer(std::chrono::seconds(2))) << "oldest idle kept";
  EXPECT_FALSE(idle.back()->closed_by_peer(std::chrono::milliseconds(200)));
}

// High 4 and medium 10: with the PostgreSQL store, /readyz states how commits are made durable,
// and SIGTERM ends the process cleanly (the grant refresher used to spin and never stop).
TEST_F(SecurityReview, PostgresStoreReportsDurabilityAndStopsOnSigterm) {
  const char* admin = std::getenv("BRONPOORT_TEST_PG_DSN");
  if (!admin) {
    if (std::getenv("BRONPOORT_REQUIRE_PG")) FAIL() << "BRONPOORT_TEST_PG_DSN is not set";
    GTEST_SKIP() << "no PostgreSQL (set BRONPOORT_TEST_PG_DSN)";
  }
  const std::string db = "sigterm_it_" + std::to_string(::getpid());
  ASSERT_EQ(
      run_command("psql '" + std::string(admin) + "' -qc 'CREATE DATABASE " + db + "' >/dev/null"),
      0);
  std::string dsn = admin;
  const auto at = dsn.find("dbname=");
  dsn = (at == std::string::npos ? dsn + " " : dsn.substr(0, at)) + "dbname=" + db;
  auto cfg = demo_gateway_config();
  cfg["store"] = {{"kind", "postgres"}, {"dsn", dsn}};
  cfg["server"]["shutdownGraceMs"] = 3000;
  start(cfg);
  // The store connects on first use (the database may be down at start-up): read the log once.
  auto first = call("GET", "/v1/processing-log?pageSize=1", auditor_);
  ASSERT_TRUE(first);
  ASSERT_EQ(first->status, 200) << first->body;
  auto ready = call("GET", "/readyz", "");
  ASSERT_TRUE(ready);
  ASSERT_EQ(ready->status, 200) << ready->body;
  EXPECT_EQ(json::parse(ready->body)["checks"]["processing-log"]["detail"],
            "postgres synchronous_commit=on")
      << ready->body;
  // Let the grant refresher run at least once, then stop.
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));
  const auto asked = std::chrono::steady_clock::now();
  gateway_->signal(SIGTERM);
  EXPECT_EQ(gateway_->wait_exit(std::chrono::seconds(8)), 0);
  EXPECT_LT(std::chrono::steady_clock::now() - asked, std::chrono::seconds(6));
  gateway_.reset();
  run_command("psql '" + std::string(admin) + "' -qc 'DROP DATABASE IF EXISTS " + db +
              " WITH (FORCE)' >/dev/null 2>&1");
}

}  // namespace
}  // namespace bronpoort::testing
