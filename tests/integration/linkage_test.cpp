// The trusted third party end to end: the demo linked query joins the debt-assistance registry
// (PostgreSQL, the throwaway cluster) to the persons registry (the demo source holder over HTTP)
// on BSN, through the real binary. Without grants nothing is fetched; with the holders' approval
// the analyst gets aggregates with small cells suppressed or rows under pseudonyms, never a BSN,
// and every input fetch and the delivery are in the processing log under the run's trace.

#include "support/demo_world.hpp"
#include "support/gateway_process.hpp"
#include "support/http_client.hpp"

#include <gtest/gtest.h>

#include <unistd.h>
#include <chrono>
#include <cstdlib>
#include <map>
#include <set>
#include <sstream>

namespace bronpoort::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr const char* kMunicipality = "00000001001234567000";  // the analyst's organisation
constexpr const char* kRvig = "00000099000000000001";          // holder of persons
constexpr const char* kDebtHolder = "00000099000000000005";    // holder of debt-assistance
constexpr const char* kQuery = "/v1/linked-queries/schuldhulp-per-leeftijdsgroep";
constexpr int kPersons = 500;
constexpr int kCases = 1500;

class Linkage : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::getenv("BRONPOORT_TEST_PG_DSN")) {
      if (std::getenv("BRONPOORT_REQUIRE_PG")) FAIL() << "BRONPOORT_TEST_PG_DSN is not set";
      GTEST_SKIP() << "no PostgreSQL (set BRONPOORT_TEST_PG_DSN)";
    }
    ASSERT_NE(source_.port(), 0) << "demo source did not start";
    db_ = "debt_linkage_" + std::to_string(::getpid());
    reader_dsn_ = load_demo_debt_registry(dir_, db_, kCases, kPersons);
    ASSERT_FALSE(reader_dsn_.empty()) << "scripts/load-demo-pg.sh failed";
    ::setenv("BRONPOORT_DEBT_PG_DSN", reader_dsn_.c_str(), 1);
    copy_demo_registrations(dir_, source_.port());
    gateway_ = std::make_unique<GatewayProcess>(dir_, demo_gateway_config());
    analyst_ = token("--sub analyst-1 --org " + std::string(kMunicipality) + " --role analyst");
    rvig_admin_ = token("--sub rvig-admin --org " + std::string(kRvig) + " --role source-admin");
    debt_admin_ =
        token("--sub debt-admin --org " + std::string(kDebtHolder) + " --role source-admin");
    auditor_ = token("--sub auditor-1 --org 00000001009999999000 --role auditor");
  }

  void TearDown() override {
    gateway_.reset();
    if (const char* admin = std::getenv("BRONPOORT_TEST_PG_DSN"); admin && !db_.empty()) {
      run_command("psql '" + std::string(admin) + "' -qc 'DROP DATABASE IF EXISTS " + db_ +
                  " WITH (FORCE)' >/dev/null 2>&1");
    }
  }

  std::string token(const std::string& args) { return demo_token(*gateway_, dir_, args); }

  std::optional<Response> call(const std::string& method, const std::string& target,
                               const std::string& token, const std::string& purpose = "",
                               const std::string& body = "") {
    std::string headers;
    auto add = [&headers](const std::string& line) {
      headers += (headers.empty() ? "" : "\r\n") + line;
    };
    if (!token.empty()) add("Authorization: Bearer " + token);
    if (!purpose.empty()) add("Processing-Purpose: " + purpose);
    if (!body.empty()) add("Content-Type: application/json");
    return request(gateway_->port(), method, target, body, headers);
  }

  std::optional<Response> run(const std::string& body) {
    return call("POST", std::string(kQuery) + "/results", analyst_, "schuldhulp-monitor", body);
  }

  // What psql prints for one query on the debt registry.
  std::string sql(const std::string& query) {
    auto out = dir_.path() / "sql.txt";
    EXPECT_EQ(run_command("psql '" + reader_dsn_ + "' -tAc \"" + query + "\" >" + out.string()), 0);
    return slurp(out);
  }

  json log_records(const std::string& trace_id, const std::string& kind) {
    auto r =
        call("GET", "/v1/processing-log?traceId=" + trace_id + "&kind=" + kind + "&pageSize=500",
             auditor_);
    EXPECT_TRUE(r && r->status == 200) << (r ? r->body : "no answer");
    return r ? json::parse(r->body)["records"] : json::array();
  }

  // Files an access request for the analyst and has the holder's source admin approve it.
  void grant(const std::string& dataset, const std::string& resource, const json& fields,
             const std::string& holder_token) {
    json body = {{"role", "analyst"},
                 {"purpose", "schuldhulp-monitor"},
                 {"dataset", dataset},
                 {"resource", resource},
                 {"fields", fields},
                 {"motivation", "Monitor of debt assistance per age group, linked by the TTP."}};
    auto filed = call("POST", "/v1/access-requests", analyst_, "", body.dump());
    ASSERT_TRUE(filed);
    ASSERT_EQ(filed->status, 201) << filed->body;
    const std::string id = json::parse(filed->body)["id"];
    auto approved = call("POST", "/v1/access-requests/" + id + "/approve", holder_token, "",
                         R"({"reason": "Approved for the monitor."})");
    ASSERT_TRUE(approved);
    ASSERT_EQ(approved->status, 200) << approved->body;
  }

  void grant_both() {
    grant("debt-assistance", "cases", {"bsn", "municipality", "openedDate", "status", "debtAmount"},
          debt_admin_);
    grant("persons", "persons", {"bsn", "birthDate", "municipality"}, rvig_admin_);
  }

  // Runs SQL on the debt registry as its owner (the reader may only read).
  void sql_as_owner(const std::string& statement) {
    // The cluster's admin DSN, pointed at this test's database (the last dbname counts).
    const std::string dsn = std::string(std::getenv("BRONPOORT_TEST_PG_DSN")) + " dbname=" + db_;
    EXPECT_EQ(run_command("psql '" + dsn + "' -qc \"" + statement + "\" >/dev/null"), 0);
  }

  // The age band the linked query derives today from a demo person's birth date.
  std::string age_group_of(const std::string& bsn) {
    auto r = request(source_.port(), "GET", "/brp/persons/" + bsn, "", "");
    if (!r || r->status != 200) return "";
    const std::string born = json::parse(r->body).value("birthDate", "");
    const std::chrono::year_month_day today{
        std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now())};
    int age = int(today.year()) - std::stoi(born.substr(0, 4));
    if (std::pair(unsigned(today.month()), unsigned(today.day())) <
        std::pair(unsigned(std::stoi(born.substr(5, 2))), unsigned(std::stoi(born.substr(8, 2))))) {
      --age;
    }
    return age < 18 ? "<18" : age < 27 ? "18-26" : age < 45 ? "27-44" : age < 67 ? "45-66" : "67+";
  }

  // Some BSNs of the registry, none of which may appear in a delivery.
  std::vector<std::string> some_bsns() {
    std::istringstream in(sql("SELECT DISTINCT bsn FROM debt.cases ORDER BY bsn LIMIT 20"));
    std::vector<std::string> out;
    for (std::string line; std::getline(in, line);) {
      if (line.size() >= 9) out.push_back(line.substr(0, 9));
    }
    return out;
  }

  TempDir dir_;
  DemoSource source_{dir_, kPersons};
  std::string db_, reader_dsn_;
  std::unique_ptr<GatewayProcess> gateway_;
  std::string analyst_, rvig_admin_, debt_admin_, auditor_;
};

std::string trace_id_of(const Response& r) {
  return r.header("traceparent").substr(3, 32);
}

TEST_F(Linkage, WithoutGrantsNothingIsFetchedAndTheRefusalIsLogged) {
  auto r = run(R"({"delivery": "aggregate"})");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 403) << r->body;
  EXPECT_EQ(r->header("content-type"), "application/problem+json");
  EXPECT_NE(r->body.find("access-requests"), std::string::npos) << "says what to ask for";
  const auto trace = trace_id_of(*r);
  EXPECT_TRUE(log_records(trace, "processing").empty()) << "no personal data was processed";
  auto audit = log_records(trace, "audit");
  ASSERT_EQ(audit.size(), 1u) << audit.dump();
  EXPECT_EQ(audit[0]["purpose"], "schuldhulp-monitor");

  // One grant is not enough either: the run needs every input.
  grant("debt-assistance", "cases", {"bsn", "municipality", "openedDate", "status", "debtAmount"},
        debt_admin_);
  auto half = run(R"({"delivery": "aggregate"})");
  ASSERT_TRUE(half);
  EXPECT_EQ(half->status, 403) << half->body;
  EXPECT_NE(half->body.find("persons"), std::string::npos);
  EXPECT_TRUE(log_records(trace_id_of(*half), "processing").empty());
}

TEST_F(Linkage, AggregatesWithSmallCellsSuppressedAndEveryFetchLogged) {
  grant_both();
  auto r = run(R"({"delivery": "aggregate"})");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  for (const auto& bsn : some_bsns()) {
    EXPECT_EQ(r->body.find(bsn), std::string::npos) << "a BSN in the delivery";
  }
  auto body = json::parse(r->body);
  EXPECT_EQ(body["minCellSize"], 10);
  long long cases_in_cells = 0;
  for (const auto& cell : body["cells"]) {
    EXPECT_GE(cell["people"].get<int>(), 10) << cell.dump();
    EXPECT_GE(cell["cases"].get<int>(), cell["people"].get<int>());
    cases_in_cells += cell["cases"].get<long long>();
  }
  EXPECT_GT(body["cells"].size() + body["suppressedCells"].get<std::size_t>(), 0u);
  EXPECT_LE(cases_in_cells, kCases);

  // The run's audit record says what was fetched and delivered; every input fetch is logged per
  // data subject under the same trace, pseudonymised.
  const auto trace = trace_id_of(*r);
  json run_audit;
  for (const auto& a : log_records(trace, "audit")) {
    if (a.contains("details") && a["details"].contains("linkedQuery")) run_audit = a;
  }
  ASSERT_FALSE(run_audit.is_null()) << "no audit record of the run";
  const auto& details = run_audit["details"];
  EXPECT_EQ(details["linkedQuery"], "schuldhulp-per-leeftijdsgroep");
  EXPECT_EQ(details["delivery"], "aggregate");
  EXPECT_EQ(details["inputs"][0]["records"], kCases) << "every case read";
  EXPECT_EQ(details["linkedRows"], kCases) << "every case's BSN is a demo person";
  EXPECT_EQ(details["deliveredCells"], body["cells"].size());
  const int distinct = std::stoi(sql("SELECT count(DISTINCT bsn) FROM debt.cases"));
  EXPECT_EQ(details["inputs"][1]["records"], distinct) << "only persons with a case are read";

  auto processing = log_records(trace, "processing");
  std::set<std::string> datasets;
  for (const auto& p : processing) datasets.insert(p["dataset"].get<std::string>());
  EXPECT_EQ(datasets, (std::set<std::string>{"debt-assistance", "persons"}));
  const auto dumped = processing.dump() + run_audit.dump();
  for (const auto& bsn : some_bsns()) EXPECT_EQ(dumped.find(bsn), std::string::npos);

  auto verify = call("GET", "/v1/processing-log/verify", auditor_);
  ASSERT_TRUE(verify);
  EXPECT_EQ(json::parse(verify->body)["ok"], true) << verify->body;
}

TEST_F(Linkage, RowsUnderPseudonymsAndFiltersThatCouldSingleSomeoneOutAreRefused) {
  grant_both();
  auto r = run(R"({"delivery": "rows"})");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body.substr(0, 500);
  const auto bsns = some_bsns();
  for (const auto& bsn : bsns) EXPECT_EQ(r->body.find(bsn), std::string::npos);
  auto body = json::parse(r->body);
  EXPECT_EQ(body["pseudonymFor"]["organisation"], kMunicipality);
  const auto& rows = body["rows"];
  ASSERT_EQ(rows.size(), static_cast<std::size_t>(kCases));
  std::set<std::string> pseudonyms;
  for (const auto& row : rows) {
    pseudonyms.insert(row["pseudonym"].get<std::string>());
    EXPECT_FALSE(row.contains("bsn"));
    EXPECT_FALSE(row.contains("birthDate"));
  }
  EXPECT_EQ(pseudonyms.size(),
            static_cast<std::size_t>(std::stoi(sql("SELECT count(DISTINCT bsn) FROM debt.cases"))));

  // The same run gives the same pseudonyms: the recipient can follow people across deliveries.
  auto again = run(R"({"delivery": "rows", "filters": {"status": {"eq": "open"}}})");
  ASSERT_TRUE(again);
  ASSERT_EQ(again->status, 200) << again->body.substr(0, 500);
  const auto open_rows = json::parse(again->body)["rows"];
  EXPECT_EQ(open_rows.size(), static_cast<std::size_t>(std::stoi(
                                  sql("SELECT count(*) FROM debt.cases WHERE status = 'open'"))));
  for (const auto& row : open_rows) {
    EXPECT_EQ(row["status"], "open");
    EXPECT_EQ(pseudonyms.count(row["pseudonym"].get<std::string>()), 1u);
  }

  // A filter on a known BSN would single that person out.
  auto singled =
      run(R"({"delivery": "rows", "filters": {"bsn": {"eq": ")" + bsns.at(0) + R"("}}})");
  ASSERT_TRUE(singled);
  EXPECT_EQ(singled->status, 400) << singled->body;
  EXPECT_NE(singled->body.find("filter-not-allowed"), std::string::npos);
  EXPECT_TRUE(log_records(trace_id_of(*singled), "processing").empty());

  // Another purpose, or none, does not run it.
  auto wrong = call("POST", std::string(kQuery) + "/results", analyst_, "bedrijven-analyse",
                    R"({"delivery": "rows"})");
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->status, 403) << wrong->body;
}

// Issue 12, item 2: two aggregates with openedDate lte D and lt D differed in the one person whose
// case opened on D, and a rows delivery with openedDate eq D gave that person's row alone. Now
// exact dates and amounts cannot be filtered on at all, and a later delivery that differs from an
// earlier one by fewer than ten people — here because one case was added in between — is refused.
TEST_F(Linkage, DifferencingAttacksAndSingleRowFiltersAreRefused) {
  grant_both();
  const std::string day =
      sql("SELECT opened_date FROM debt.cases GROUP BY opened_date HAVING count(*) = 1 "
          "ORDER BY opened_date LIMIT 1")
          .substr(0, 10);
  ASSERT_EQ(day.size(), 10u) << "a day on which exactly one case opened";
  auto refused_before_fetching = [this](const std::string& body, const std::string& param) {
    auto r = run(body);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 400) << r->body;
    EXPECT_EQ(r->header("content-type"), "application/problem+json");
    auto problem = json::parse(r->body);
    EXPECT_EQ(problem["code"], "filter-not-allowed");
    EXPECT_NE(problem["detail"].get<std::string>().find("municipality, status, openedYear"),
              std::string::npos)
        << "says what may be filtered on: " << r->body;
    EXPECT_NE(problem.dump().find(param), std::string::npos) << r->body;
    EXPECT_TRUE(log_records(trace_id_of(*r), "processing").empty()) << "nothing was fetched";
  };
  refused_before_fetching(
      R"({"delivery": "aggregate", "filters": {"openedDate": {"lte": ")" + day + R"("}}})",
      "/filters/openedDate");
  refused_before_fetching(
      R"({"delivery": "aggregate", "filters": {"openedDate": {"lt": ")" + day + R"("}}})",
      "/filters/openedDate");
  refused_before_fetching(
      R"({"delivery": "rows", "filters": {"openedDate": {"eq": ")" + day + R"("}}})",
      "/filters/openedDate");
  refused_before_fetching(R"({"delivery": "aggregate", "filters": {"debtAmount": {"gte": 1000}}})",
                          "/filters/debtAmount");

  // Declared filters that leave too few people: a rows delivery is refused, nothing delivered.
  std::istringstream few_people(
      sql("SELECT municipality || '|' || extract(year FROM opened_date)::int FROM debt.cases "
          "GROUP BY municipality, extract(year FROM opened_date) HAVING count(DISTINCT bsn) < 10 "
          "ORDER BY 1 LIMIT 1"));
  std::string small_group;
  std::getline(few_people, small_group);
  const auto bar = small_group.find('|');
  ASSERT_NE(bar, std::string::npos) << "a municipality and year with fewer than ten people";
  auto few = run(R"({"delivery": "rows", "filters": {"municipality": {"eq": ")" +
                 small_group.substr(0, bar) + R"("}, "openedYear": {"eq": ")" +
                 small_group.substr(bar + 1) + R"("}}})");
  ASSERT_TRUE(few);
  EXPECT_EQ(few->status, 422) << few->body.substr(0, 300);
  EXPECT_NE(few->body.find("linkage-cohort-too-small"), std::string::npos);
  EXPECT_EQ(few->body.find("pseudonym"), std::string::npos);

  // The first aggregate is delivered and remembered.
  auto first = run(R"({"delivery": "aggregate"})");
  ASSERT_TRUE(first);
  ASSERT_EQ(first->status, 200) << first->body;
  const auto cells = json::parse(first->body)["cells"];
  std::map<std::pair<std::string, std::string>, int> released;
  for (const auto& c : cells) released[{c["municipality"], c["ageGroup"]}] = c["people"];

  // Asking for the open cases only: either refused, or no cell differs from the first delivery
  // by fewer than ten people.
  auto open = run(R"({"delivery": "aggregate", "filters": {"status": {"eq": "open"}}})");
  ASSERT_TRUE(open);
  if (open->status == 200) {
    for (const auto& c : json::parse(open->body)["cells"]) {
      auto it = released.find({c["municipality"], c["ageGroup"]});
      if (it == released.end()) continue;
      const int difference = it->second - c["people"].get<int>();
      EXPECT_TRUE(difference == 0 || difference >= 10) << c.dump();
    }
  } else {
    EXPECT_EQ(open->status, 409) << open->body;
    EXPECT_NE(open->body.find("linkage-differencing"), std::string::npos) << open->body;
  }

  // One case opens for someone in a delivered cell; the same aggregate again would give that
  // case's debt as the difference of the cell's total.
  std::string bsn, municipality;
  std::istringstream candidates(
      sql("SELECT bsn || ' ' || municipality FROM debt.cases ORDER BY case_id LIMIT 200"));
  for (std::string line; bsn.empty() && std::getline(candidates, line);) {
    const auto space = line.find(' ');
    const std::string b = line.substr(0, space), m = line.substr(space + 1);
    if (released.count({m, age_group_of(b)})) bsn = b, municipality = m;
  }
  ASSERT_FALSE(bsn.empty()) << "a person in a delivered cell";
  sql_as_owner("INSERT INTO debt.cases VALUES ('DA-ATTACK', '" + bsn + "', '" + municipality +
               "', CURRENT_DATE, 'open', 12345.67)");
  auto second = run(R"({"delivery": "aggregate"})");
  ASSERT_TRUE(second);
  EXPECT_EQ(second->status, 409) << second->body.substr(0, 500);
  EXPECT_EQ(second->header("content-type"), "application/problem+json");
  auto problem = json::parse(second->body);
  EXPECT_EQ(problem["code"], "linkage-differencing");
  EXPECT_FALSE(problem.contains("cells"));
  EXPECT_EQ(second->body.find("12345"), std::string::npos);
  json refusal;
  for (const auto& a : log_records(trace_id_of(*second), "audit")) {
    if (a.contains("details") && a["details"].contains("refusedCell")) refusal = a;
  }
  ASSERT_FALSE(refusal.is_null()) << "the refusal and its cell are in the audit record";
  EXPECT_EQ(refusal["details"]["smallestDifference"], 1);
  EXPECT_EQ(refusal["details"]["refusedCell"][0], municipality);

  // The ledger is kept in the store: after a restart the attack is refused all the same, and
  // the delivery received before can still be had again.
  gateway_.reset();
  gateway_ = std::make_unique<GatewayProcess>(dir_, demo_gateway_config());
  auto after_restart = run(R"({"delivery": "aggregate"})");
  ASSERT_TRUE(after_restart);
  EXPECT_EQ(after_restart->status, 409) << after_restart->body.substr(0, 500);
  EXPECT_NE(after_restart->body.find("linkage-differencing"), std::string::npos);
  sql_as_owner("DELETE FROM debt.cases WHERE case_id = 'DA-ATTACK'");
  auto repeated = run(R"({"delivery": "aggregate"})");
  ASSERT_TRUE(repeated);
  EXPECT_EQ(repeated->status, 200) << repeated->body.substr(0, 500);
  EXPECT_EQ(json::parse(repeated->body)["cells"], cells);
}

TEST_F(Linkage, TheOfferIsPublicAndInTheOpenApiDocument) {
  auto list = call("GET", "/v1/linked-queries", "");
  ASSERT_TRUE(list);
  ASSERT_EQ(list->status, 200) << list->body;
  auto queries = json::parse(list->body)["linkedQueries"];
  ASSERT_EQ(queries.size(), 1u);
  EXPECT_EQ(queries[0]["id"], "schuldhulp-per-leeftijdsgroep");
  EXPECT_EQ(queries[0]["deliveries"]["aggregate"]["minCellSize"], 10);
  auto openapi = call("GET", "/v1/openapi.json", "");
  ASSERT_TRUE(openapi);
  ASSERT_EQ(openapi->status, 200);
  auto doc = json::parse(openapi->body);
  EXPECT_TRUE(doc["paths"].contains("/linked-queries/{id}/results") ||
              doc["paths"].contains("/v1/linked-queries/{id}/results"))
      << doc["paths"].dump().substr(0, 400);
  auto unauthenticated = call("POST", std::string(kQuery) + "/results", "", "schuldhulp-monitor",
                              R"({"delivery": "aggregate"})");
  ASSERT_TRUE(unauthenticated);
  EXPECT_EQ(unauthenticated->status, 401);
}

}  // namespace
}  // namespace bronpoort::testing
