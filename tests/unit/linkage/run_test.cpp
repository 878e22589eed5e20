// A linked-query run through its endpoint, with the inputs served from memory: what it fetches,
// in how many calls, what it delivers, and the refusals — each of which fetches nothing.

#include "linkage_fixture.hpp"

#include <bronpoort/core/stage.hpp>
#include <bronpoort/linkage/endpoints.hpp>
#include <bronpoort/linkage/linking.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <map>

namespace bronpoort::linkage {
namespace {

using nlohmann::json;

constexpr const char* kRecipient = "00000001001234567000";
const std::string kSecret(40, 'k');

// Two registries in memory that answer search calls the way the input pipeline does.
struct World {
  std::map<std::string, std::vector<json>> records;  // by input name
  std::vector<InputCall> calls;
  std::vector<std::string> call_inputs;
  std::vector<std::string> refused_inputs;             // the grant check refuses these
  std::map<std::string, std::string> withdrawn_field;  // input -> field no longer granted
  std::optional<Problem> source_problem;               // every call answers this

  // People `from`..`to` (exclusive), each with one closed case in `town`.
  void add_people(int from, int to, const std::string& town, const std::string& born) {
    for (int i = from; i < to; ++i) {
      const std::string bsn = std::to_string(100000000 + i);
      records["cases"].push_back({{"bsn", bsn},
                                  {"municipality", town},
                                  {"openedDate", "2024-01-01"},
                                  {"status", "closed"},
                                  {"debtAmount", 3}});
      records["persons"].push_back({{"bsn", bsn}, {"birthDate", born}, {"municipality", town}});
    }
  }

  InputAnswer answer(const InputCall& call) {
    InputAnswer a;
    call_inputs.push_back(call.input->name);
    calls.push_back(call);
    if (source_problem) {
      a.problem = source_problem;
      return a;
    }
    const auto& filters = call.search_body["filters"];
    std::vector<json> matching;
    for (const auto& r : records[call.input->name]) {
      bool ok = true;
      for (const auto& [field, cond] : filters.items()) {
        if (cond.contains("in")) {
          const auto& in = cond["in"];
          ok = ok && std::find(in.begin(), in.end(), r[field]) != in.end();
        }
        if (cond.contains("eq")) ok = ok && r[field] == cond["eq"];
      }
      if (ok) matching.push_back(r);
    }
    for (const auto& field : call.search_body["sort"]) {
      const std::string f = field;
      std::stable_sort(matching.begin(), matching.end(),
                       [&f](const json& x, const json& y) { return x[f] < y[f]; });
    }
    const std::size_t page = call.search_body["page"];
    const std::size_t size = call.search_body["pageSize"];
    for (std::size_t i = (page - 1) * size; i < std::min(matching.size(), page * size); ++i) {
      a.records.push_back(matching[i]);
    }
    a.has_next = page * size < matching.size();
    a.decision.allowed = true;
    a.decision.grant_id = "grant-" + call.input->name;
    a.decision.fields_granted = call.input->fetched_fields();
    if (auto w = withdrawn_field.find(call.input->name); w != withdrawn_field.end()) {
      std::erase(a.decision.fields_granted, w->second);
    }
    return a;
  }
};

// 30 people in Demostad aged 36 and 2 in Elders aged 56, each with one case, the first with two.
// Persons 900.. have no case; case 800 has no person. With a minimum cell size of 3, Elders
// is a cell to suppress.
World sample_world() {
  World w;
  auto person = [&](int i, const std::string& born, const std::string& town) {
    w.records["persons"].push_back(
        {{"bsn", std::to_string(100000000 + i)}, {"birthDate", born}, {"municipality", town}});
  };
  auto a_case = [&](int i, const std::string& town, double debt) {
    w.records["cases"].push_back({{"bsn", std::to_string(100000000 + i)},
                                  {"municipality", town},
                                  {"openedDate", "2025-02-01"},
                                  {"status", "open"},
                                  {"debtAmount", debt}});
  };
  for (int i = 0; i < 30; ++i) person(i, "1990-01-01", "Demostad");
  for (int i = 30; i < 32; ++i) person(i, "1970-01-01", "Elders");
  for (int i = 900; i < 905; ++i) person(i, "1990-01-01", "Demostad");
  for (int i = 0; i < 30; ++i) a_case(i, "Demostad", 1000);
  a_case(0, "Demostad", 500);
  for (int i = 30; i < 32; ++i) a_case(i, "Elders", 20000);
  a_case(800, "Demostad", 1);
  return w;
}

struct Harness {
  World world = sample_world();
  LinkedQuery query = testing::sample_linked_query();
  std::size_t max_input_records = 100'000;
  std::size_t max_concurrent_runs = 2;
  std::chrono::seconds max_run{120};
  std::chrono::seconds tick{0};  // how far the monotonic clock moves on each reading
  bool park = false;             // input calls wait in `parked` until answered
  std::vector<std::pair<InputCall, std::function<void(InputAnswer)>>> parked;
  std::chrono::steady_clock::time_point monotonic_now{};
  std::vector<EndpointRoute> routes;
  std::shared_ptr<ReleaseLedger> ledger = std::make_shared<ReleaseLedger>();

  void build() {
    auto cfg = std::make_shared<LinkageConfig>();
    cfg->queries = {query};
    cfg->pseudonym_key = kSecret;
    cfg->max_input_records = max_input_records;
    cfg->max_concurrent_runs = max_concurrent_runs;
    cfg->max_run = max_run;
    LinkageEndpointOptions o;
    o.config = cfg;
    o.ledger = ledger;
    o.run_input = [this](const RequestContext&, const InputCall& call,
                         std::function<void(InputAnswer)> done) {
      if (park) {
        parked.emplace_back(call, std::move(done));
      } else {
        done(world.answer(call));
      }
    };
    o.monotonic = [this] { return monotonic_now += tick; };
    o.check_grant = [this](const RequestContext&, const std::string& purpose, const Input& input,
                           AccessDecision& d) -> std::optional<Problem> {
      EXPECT_EQ(purpose, "debt-monitor");
      if (std::find(world.refused_inputs.begin(), world.refused_inputs.end(), input.name) !=
          world.refused_inputs.end()) {
        return make_problem(403, "no-grant", "No grant for this purpose.");
      }
      d.legal_basis = "Wgs art. 3";
      d.role = "analyst";
      return std::nullopt;
    };
    o.clock = [] {
      return std::chrono::sys_days{std::chrono::year{2026} / 11 / 23} + std::chrono::hours(12);
    };
    routes = make_linkage_endpoints(std::move(o));
  }

  struct Result {
    RequestContext ctx;
    std::optional<Flow> flow;
    json body;
  };

  std::unique_ptr<Result> call(const std::string& method, const std::string& path_template,
                               const std::string& id, const std::string& body = {},
                               std::optional<std::string> purpose = "debt-monitor",
                               std::string organisation = kRecipient) {
    if (routes.empty()) build();
    auto r = std::make_unique<Result>();
    r->ctx.request.method = method;
    r->ctx.request.body = body;
    if (purpose) r->ctx.request.headers.add("Processing-Purpose", *purpose);
    r->ctx.identity.authenticated = true;
    r->ctx.identity.organisation = std::move(organisation);
    r->ctx.identity.roles = {"analyst"};
    if (!id.empty()) r->ctx.route.params["id"] = id;
    for (const auto& route : routes) {
      if (route.method == method && route.path_template == path_template) {
        route.endpoint->handle(r->ctx, [&r](Flow f) { r->flow = f; });
      }
    }
    EXPECT_TRUE(r->flow.has_value()) << "done called once the run ends";
    if (!r->ctx.response.body.empty()) r->body = json::parse(r->ctx.response.body);
    return r;
  }

  // Starts an aggregate run without waiting for it (with `park`, its calls wait in `parked`).
  void start(RequestContext& ctx, std::optional<Flow>& flow) {
    if (routes.empty()) build();
    const auto& route = *std::find_if(routes.begin(), routes.end(),
                                      [](const EndpointRoute& r) { return r.method == "POST"; });
    ctx.request.method = "POST";
    ctx.request.body = R"({"delivery": "aggregate"})";
    ctx.request.headers.add("Processing-Purpose", "debt-monitor");
    ctx.identity.organisation = kRecipient;
    ctx.route.params["id"] = "debt-by-age";
    route.endpoint->handle(ctx, [&flow](Flow f) { flow = f; });
  }

  std::unique_ptr<Result> run(const json& body, std::optional<std::string> purpose = "debt-monitor",
                              std::string organisation = kRecipient) {
    return call("POST", "/v1/linked-queries/{id}/results", query.id, body.dump(),
                std::move(purpose), std::move(organisation));
  }
};

void expect_no_key(const std::string& text) {
  for (int i : {0, 1, 29, 30, 31}) {
    EXPECT_EQ(text.find(std::to_string(100000000 + i)), std::string::npos) << "a BSN leaked";
  }
}

TEST(LinkageRun, AggregateDeliversLargeCellsAndRecordsWhatItDid) {
  Harness h;
  auto r = h.run({{"delivery", "aggregate"}});
  ASSERT_EQ(r->flow, Flow::Continue) << (r->ctx.problem ? r->ctx.problem->detail : "");
  EXPECT_EQ(r->ctx.response.status, 200);
  EXPECT_EQ(r->body["delivery"], "aggregate");
  EXPECT_EQ(r->body["referenceDate"], "2026-11-23");
  ASSERT_EQ(r->body["cells"].size(), 1u) << r->body.dump();
  const auto& cell = r->body["cells"][0];
  EXPECT_EQ(cell["municipality"], "Demostad");
  EXPECT_EQ(cell["ageGroup"], "27-44");
  EXPECT_EQ(cell["people"], 30);
  EXPECT_EQ(cell["cases"], 31);
  EXPECT_DOUBLE_EQ(cell["totalDebt"].get<double>(), 30500);
  EXPECT_EQ(r->body["suppressedCells"], 1) << "Elders: 2 people, under the minimum of 3";
  EXPECT_EQ(r->ctx.response.body.find("20000"), std::string::npos);
  expect_no_key(r->ctx.response.body);

  // The decision and audit details the processing log records.
  const auto& d = r->ctx.decision;
  EXPECT_TRUE(d.evaluated);
  EXPECT_TRUE(d.allowed);
  EXPECT_EQ(d.purpose_id, "debt-monitor");
  EXPECT_EQ(d.legal_basis, "Wgs art. 3");
  EXPECT_EQ(d.grant_id, "grant-cases,grant-persons");
  EXPECT_EQ(d.fields_granted, (std::vector<std::string>{"municipality", "ageGroup", "people",
                                                        "cases", "totalDebt", "averageDebt"}));
  const auto& audit = r->ctx.audit_details;
  EXPECT_EQ(audit["linkedQuery"], "debt-by-age");
  EXPECT_EQ(audit["linkedRows"], 33);
  EXPECT_EQ(audit["inputs"][0]["records"], 34);
  EXPECT_EQ(audit["inputs"][1]["records"], 32) << "only persons with a case are fetched";
  expect_no_key(audit.dump());
}

TEST(LinkageRun, RowsArePseudonymisedForTheRecipient) {
  Harness h;
  auto r = h.run({{"delivery", "rows"}});
  ASSERT_EQ(r->flow, Flow::Continue) << (r->ctx.problem ? r->ctx.problem->detail : "");
  EXPECT_EQ(r->body["pseudonymFor"]["organisation"], kRecipient);
  const auto& rows = r->body["rows"];
  ASSERT_EQ(rows.size(), 33u);
  const auto person0 = recipient_pseudonym(kSecret, kRecipient, "debt-monitor", "BSN", "100000000");
  EXPECT_EQ(std::count_if(rows.begin(), rows.end(),
                          [&](const json& row) { return row["pseudonym"] == person0; }),
            2)
      << "person 0 has two cases";
  EXPECT_FALSE(rows[0].contains("bsn"));
  EXPECT_FALSE(rows[0].contains("birthDate"));
  expect_no_key(r->ctx.response.body);
  EXPECT_EQ(r->ctx.decision.fields_granted.front(), "pseudonym");

  // Another organisation gets other pseudonyms for the same people.
  Harness other;
  auto o = other.run({{"delivery", "rows"}}, "debt-monitor", "00000001009999999000");
  ASSERT_EQ(o->flow, Flow::Continue);
  std::set<std::string> mine, theirs;
  for (const auto& row : rows) mine.insert(row["pseudonym"].get<std::string>());
  for (const auto& row : o->body["rows"]) theirs.insert(row["pseudonym"].get<std::string>());
  EXPECT_EQ(mine.size(), 32u);
  for (const auto& p : theirs) EXPECT_EQ(mine.count(p), 0u);
}

TEST(LinkageRun, ReadsTheFirstInputByPageAndLaterInputsInKeyBatches) {
  Harness h;
  h.query.inputs[0].page_size = 10;
  h.world.add_people(1000, 1250, "Demostad", "2000-05-05");  // 283 keys in all
  auto r = h.run({{"delivery", "aggregate"}});
  ASSERT_EQ(r->flow, Flow::Continue) << (r->ctx.problem ? r->ctx.problem->detail : "");
  const auto cases_calls =
      std::count(h.world.call_inputs.begin(), h.world.call_inputs.end(), "cases");
  EXPECT_EQ(cases_calls, 29) << "284 records, 10 a page";
  // 283 distinct keys asked for 100 at a time; each answer fits one page of 100.
  const auto person_calls =
      std::count(h.world.call_inputs.begin(), h.world.call_inputs.end(), "persons");
  EXPECT_EQ(person_calls, 3);
  const auto& first = h.world.calls.front().search_body;
  EXPECT_EQ(first["fields"], json({"bsn", "municipality", "openedDate", "status", "debtAmount"}));
  EXPECT_EQ(first["sort"], json({"bsn"}));
  const auto& later = h.world.calls.back().search_body;
  EXPECT_EQ(later["filters"]["bsn"]["in"].size(), 83u);
  EXPECT_EQ(r->ctx.audit_details["inputs"][0]["calls"], 29);
  EXPECT_EQ(r->ctx.audit_details["inputs"][1]["calls"], 3);
}

TEST(LinkageRun, CallerFiltersNarrowTheFirstInput) {
  Harness h;
  auto r = h.run(
      {{"delivery", "aggregate"},
       {"filters", {{"municipality", {{"eq", "Demostad"}}}, {"openedYear", {{"eq", "2025"}}}}}});
  ASSERT_EQ(r->flow, Flow::Continue) << (r->ctx.problem ? r->ctx.problem->detail : "");
  const auto& sent = h.world.calls.front().search_body["filters"];
  EXPECT_EQ(sent["municipality"]["eq"], "Demostad");
  EXPECT_EQ(sent["openedDate"], json({{"gte", "2025-01-01"}, {"lt", "2026-01-01"}}));
  EXPECT_EQ(r->ctx.audit_details["inputs"][0]["records"], 32) << "Demostad's 31 cases and case 800";
  ASSERT_EQ(r->body["cells"].size(), 1u);
  EXPECT_EQ(r->body["cells"][0]["people"], 30);
}

TEST(LinkageRun, APopulationUnderTheMinimumIsRefusedAndNothingDelivered) {
  // Elders holds two people; the minimum is three. (Before, this answered 200 with one
  // suppressed cell; refusing says no more and is what a caller can act on.)
  Harness h;
  auto r = h.run({{"delivery", "aggregate"}, {"filters", {{"municipality", {{"eq", "Elders"}}}}}});
  EXPECT_EQ(r->flow, Flow::Stop);
  ASSERT_TRUE(r->ctx.problem);
  EXPECT_EQ(r->ctx.problem->status, 422);
  EXPECT_EQ(r->ctx.problem->code, "linkage-population-too-small");
  EXPECT_NE(r->ctx.problem->detail.find("Fewer than 3 people"), std::string::npos)
      << r->ctx.problem->detail;
  EXPECT_TRUE(r->ctx.response.body.empty()) << "nothing delivered";
  EXPECT_FALSE(r->ctx.decision.allowed);
  EXPECT_EQ(r->ctx.audit_details["linkedSubjects"], 2);
}

TEST(LinkageRun, RowsUnderTheMinimumCohortAreRefused) {
  // A rows delivery of a handful of people is a list of those people.
  Harness h;
  auto r = h.run({{"delivery", "rows"}, {"filters", {{"municipality", {{"eq", "Elders"}}}}}});
  ASSERT_TRUE(r->ctx.problem);
  EXPECT_EQ(r->ctx.problem->status, 422);
  EXPECT_EQ(r->ctx.problem->code, "linkage-cohort-too-small");
  EXPECT_NE(r->ctx.problem->detail.find("at least 3 people"), std::string::npos);
  EXPECT_TRUE(r->ctx.response.body.empty());
  auto enough =
      h.run({{"delivery", "rows"}, {"filters", {{"municipality", {{"eq", "Demostad"}}}}}});
  ASSERT_EQ(enough->flow, Flow::Continue);
  EXPECT_EQ(enough->body["rows"].size(), 31u);
}

TEST(LinkageRun, ADeliveryThatDiffersFromAnEarlierOneByFewPeopleIsRefused) {
  Harness h;
  auto first = h.run({{"delivery", "aggregate"}});
  ASSERT_EQ(first->flow, Flow::Continue);
  // Two people in Demostad aged 36 get a (closed) case. Asking only for open cases gives the
  // cell already released, unchanged: allowed.
  h.world.add_people(1000, 1002, "Demostad", "1990-01-01");
  auto open = h.run({{"delivery", "aggregate"}, {"filters", {{"status", {{"eq", "open"}}}}}});
  ASSERT_EQ(open->flow, Flow::Continue) << (open->ctx.problem ? open->ctx.problem->detail : "");
  EXPECT_EQ(open->body["cells"], first->body["cells"]);
  // The whole population again: the Demostad cell now differs by those two, whose debts the
  // difference of the sums would give. Refused, after fetching, with nothing delivered.
  const auto calls_before = h.world.calls.size();
  auto again = h.run({{"delivery", "aggregate"}});
  EXPECT_EQ(again->flow, Flow::Stop);
  ASSERT_TRUE(again->ctx.problem);
  EXPECT_EQ(again->ctx.problem->status, 409);
  EXPECT_EQ(again->ctx.problem->code, "linkage-differencing");
  EXPECT_NE(again->ctx.problem->detail.find("fewer than 3 people"), std::string::npos);
  EXPECT_EQ(again->ctx.problem->detail.find("Demostad"), std::string::npos)
      << "the caller is not told which cell";
  EXPECT_TRUE(again->ctx.response.body.empty());
  EXPECT_GT(h.world.calls.size(), calls_before);
  // The audit record tells the privacy officer which cell and by how many.
  EXPECT_EQ(again->ctx.audit_details["refusedCell"], json({"Demostad", "27-44"}));
  EXPECT_EQ(again->ctx.audit_details["smallestDifference"], 2);
  EXPECT_FALSE(again->ctx.decision.allowed);
  EXPECT_EQ(again->ctx.decision.code, "linkage-differencing");

  // Another organisation has received nothing: it gets the current figures.
  auto other = h.run({{"delivery", "aggregate"}}, "debt-monitor", "00000001009999999000");
  ASSERT_EQ(other->flow, Flow::Continue);
  EXPECT_EQ(other->body["cells"][0]["people"], 32);
}

TEST(LinkageRun, FilteringOnTheKeyOrAnUntakenFieldIsRefusedBeforeAnyFetch) {
  // A filter on a known BSN would single out that person's row under its pseudonym.
  Harness h;
  auto r = h.run({{"delivery", "rows"}, {"filters", {{"bsn", {{"eq", "100000000"}}}}}});
  EXPECT_EQ(r->flow, Flow::Stop);
  ASSERT_TRUE(r->ctx.problem);
  EXPECT_EQ(r->ctx.problem->status, 400);
  EXPECT_EQ(r->ctx.problem->code, "filter-not-allowed");
  ASSERT_EQ(r->ctx.problem->invalid_params.size(), 1u);
  EXPECT_EQ(r->ctx.problem->invalid_params[0].name, "/filters/bsn");
  auto u = h.run({{"delivery", "rows"}, {"filters", {{"caseId", {{"eq", "DA-1"}}}}}});
  ASSERT_TRUE(u->ctx.problem);
  EXPECT_EQ(u->ctx.problem->code, "filter-not-allowed");
  EXPECT_TRUE(h.world.calls.empty());
}

TEST(LinkageRun, NoGrantOnAnyInputMeansNothingIsFetched) {
  Harness h;
  h.world.refused_inputs = {"persons"};
  auto r = h.run({{"delivery", "aggregate"}});
  EXPECT_EQ(r->flow, Flow::Stop);
  ASSERT_TRUE(r->ctx.problem);
  EXPECT_EQ(r->ctx.problem->status, 403);
  EXPECT_EQ(r->ctx.problem->code, "no-grant");
  EXPECT_NE(r->ctx.problem->detail.find("Input 'persons'"), std::string::npos);
  EXPECT_TRUE(h.world.calls.empty()) << "not even the granted input is read";
  EXPECT_TRUE(r->ctx.decision.evaluated);
  EXPECT_FALSE(r->ctx.decision.allowed);
  EXPECT_EQ(r->ctx.audit_details["linkedQuery"], "debt-by-age");
}

TEST(LinkageRun, PurposeMustBeTheLinkedQuerysOwn) {
  Harness h;
  auto missing = h.run({{"delivery", "aggregate"}}, std::nullopt);
  ASSERT_TRUE(missing->ctx.problem);
  EXPECT_EQ(missing->ctx.problem->status, 400);
  EXPECT_EQ(missing->ctx.problem->code, "purpose-missing");
  auto other = h.run({{"delivery", "aggregate"}}, "casework");
  ASSERT_TRUE(other->ctx.problem);
  EXPECT_EQ(other->ctx.problem->status, 403);
  EXPECT_EQ(other->ctx.problem->code, "purpose-not-for-linked-query");
  EXPECT_TRUE(h.world.calls.empty());
}

TEST(LinkageRun, BadBodiesAndUnknownQueriesAreClearProblems) {
  Harness h;
  for (const std::string body :
       {"not json", R"({"delivery": "everything"})", R"({})", R"({"delivery": "rows", "limit": 5})",
        R"({"delivery": "rows", "filters": []})"}) {
    auto r = h.call("POST", "/v1/linked-queries/{id}/results", h.query.id, body);
    ASSERT_TRUE(r->ctx.problem) << body;
    EXPECT_EQ(r->ctx.problem->status, 400) << body;
  }
  auto unknown = h.call("POST", "/v1/linked-queries/{id}/results", "nothing", "{}");
  ASSERT_TRUE(unknown->ctx.problem);
  EXPECT_EQ(unknown->ctx.problem->status, 404);
  EXPECT_EQ(unknown->ctx.problem->code, "linked-query-not-found");
  EXPECT_TRUE(h.world.calls.empty());
}

TEST(LinkageRun, OnlyOfferedDeliveriesRun) {
  Harness h;
  h.query.rows.reset();
  auto r = h.run({{"delivery", "rows"}});
  ASSERT_TRUE(r->ctx.problem);
  EXPECT_EQ(r->ctx.problem->code, "delivery-not-offered");
  EXPECT_TRUE(h.world.calls.empty());
}

TEST(LinkageRun, WithoutARecipientOrganisationThereIsNoPseudonymToGive) {
  Harness h;
  auto r = h.run({{"delivery", "rows"}}, "debt-monitor", "");
  ASSERT_TRUE(r->ctx.problem);
  EXPECT_EQ(r->ctx.problem->status, 403);
  EXPECT_EQ(r->ctx.problem->code, "recipient-unknown");
  EXPECT_TRUE(h.world.calls.empty());
}

TEST(LinkageRun, AFieldWithdrawnDuringTheRunStopsIt) {
  Harness h;
  h.world.withdrawn_field["persons"] = "birthDate";
  auto r = h.run({{"delivery", "aggregate"}});
  ASSERT_TRUE(r->ctx.problem);
  EXPECT_EQ(r->ctx.problem->status, 403);
  EXPECT_EQ(r->ctx.problem->code, "field-not-granted");
  EXPECT_TRUE(r->ctx.response.body.empty()) << "nothing delivered";
}

TEST(LinkageRun, TooManyInputRecordsIsRefused) {
  Harness h;
  h.max_input_records = 50;
  auto r = h.run({{"delivery", "aggregate"}});
  ASSERT_TRUE(r->ctx.problem);
  EXPECT_EQ(r->ctx.problem->status, 422);
  EXPECT_EQ(r->ctx.problem->code, "linkage-too-large");
}

TEST(LinkageRun, ASourceProblemNamesTheInput) {
  Harness h;
  h.world.source_problem = make_problem(502, "source-invalid-response", "Bad record.");
  auto r = h.run({{"delivery", "aggregate"}});
  ASSERT_TRUE(r->ctx.problem);
  EXPECT_EQ(r->ctx.problem->status, 502);
  EXPECT_EQ(r->ctx.problem->detail, "Input 'cases' (debt-assistance/cases): Bad record.");
  EXPECT_EQ(h.world.calls.size(), 1u) << "the run stops at the first failure";
}

TEST(LinkageRun, RunsBeyondTheConcurrencyLimitAreTurnedAwayUntilOneEnds) {
  Harness h;
  h.max_concurrent_runs = 1;
  h.park = true;
  RequestContext first, second, third;
  std::optional<Flow> first_flow, second_flow, third_flow;
  h.start(first, first_flow);
  ASSERT_FALSE(first_flow) << "the first run waits for its input";
  ASSERT_EQ(h.parked.size(), 1u);

  h.start(second, second_flow);
  ASSERT_EQ(second_flow, Flow::Stop);
  ASSERT_TRUE(second.problem);
  EXPECT_EQ(second.problem->status, 503);
  EXPECT_EQ(second.problem->code, "linkage-busy");
  EXPECT_EQ(second.response.headers.find("Retry-After"), "5");
  EXPECT_EQ(h.parked.size(), 1u) << "the refused run fetched nothing";

  // The first run ends (its source fails); its slot is free again.
  auto [call, done] = std::move(h.parked.front());
  h.parked.clear();
  InputAnswer failed;
  failed.problem = make_problem(504, "source-timeout", "Slow.");
  done(std::move(failed));
  EXPECT_EQ(first_flow, Flow::Stop);

  h.start(third, third_flow);
  EXPECT_FALSE(third_flow) << "admitted: waits for its input";
  EXPECT_EQ(h.parked.size(), 1u);
}

TEST(LinkageRun, LaterInputsAreAskedSeveralBatchesAtOnceInAnyOrder) {
  Harness h;
  h.world.add_people(1000, 1500, "Elders", "2000-05-05");  // 533 keys: 6 batches
  h.query.inputs[0].page_size = 1000;
  h.park = true;
  RequestContext ctx;
  std::optional<Flow> flow;
  h.start(ctx, flow);

  auto answer_parked = [&h](std::size_t index) {
    auto [call, done] = std::move(h.parked[index]);
    h.parked.erase(h.parked.begin() + static_cast<long>(index));
    done(h.world.answer(call));
  };
  ASSERT_EQ(h.parked.size(), 1u) << "the first input: one page at a time";
  answer_parked(0);
  ASSERT_EQ(h.parked.size(), 4u) << "four of the six key batches at once";
  answer_parked(3);  // answers come back in any order; each one lets the next batch start
  answer_parked(0);
  EXPECT_EQ(h.parked.size(), 4u);
  while (!h.parked.empty()) answer_parked(h.parked.size() - 1);
  ASSERT_EQ(flow, Flow::Continue) << (ctx.problem ? ctx.problem->detail : "");
  EXPECT_EQ(ctx.audit_details["inputs"][1]["calls"], 6);
  EXPECT_EQ(ctx.audit_details["inputs"][1]["records"], 532);
  EXPECT_EQ(ctx.audit_details["linkedRows"], 533);
  auto body = json::parse(ctx.response.body);
  std::map<std::string, int> people;
  for (const auto& cell : body["cells"]) {
    people[cell["municipality"].get<std::string>() + "/" + cell["ageGroup"].get<std::string>()] =
        cell["people"];
  }
  EXPECT_EQ(people, (std::map<std::string, int>{{"Demostad/27-44", 30}, {"Elders/18-26", 500}}))
      << body.dump();
}

TEST(LinkageRun, ARunThatTakesTooLongStops) {
  Harness h;
  h.max_run = std::chrono::seconds(120);
  h.tick = std::chrono::seconds(61);  // the clock is read at the start and at every answer
  auto r = h.run({{"delivery", "aggregate"}});
  ASSERT_TRUE(r->ctx.problem);
  EXPECT_EQ(r->ctx.problem->status, 504);
  EXPECT_EQ(r->ctx.problem->code, "linkage-timeout");
  EXPECT_NE(r->ctx.problem->detail.find("input 'persons'"), std::string::npos)
      << r->ctx.problem->detail;
  EXPECT_TRUE(r->ctx.response.body.empty()) << "nothing delivered";
}

TEST(LinkageEndpoints, ListAndDetailArePublicDescriptions) {
  Harness h;
  h.build();
  for (const auto& route : h.routes) {
    EXPECT_EQ(route.auth, route.method == "GET" ? AuthRequirement::None : AuthRequirement::Required)
        << route.path_template;
  }
  auto list = h.call("GET", "/v1/linked-queries", "");
  ASSERT_EQ(list->flow, Flow::Continue);
  ASSERT_EQ(list->body["linkedQueries"].size(), 1u);
  auto detail = h.call("GET", "/v1/linked-queries/{id}", "debt-by-age");
  ASSERT_EQ(detail->flow, Flow::Continue);
  EXPECT_EQ(detail->body, list->body["linkedQueries"][0]);
  EXPECT_EQ(detail->body["inputs"][1]["keyType"], "BSN");
  EXPECT_EQ(detail->body["deliveries"]["aggregate"]["minCellSize"], 3);
  EXPECT_EQ(detail->body["_links"]["results"]["href"], "/v1/linked-queries/debt-by-age/results");
  auto missing = h.call("GET", "/v1/linked-queries/{id}", "nothing");
  ASSERT_TRUE(missing->ctx.problem);
  EXPECT_EQ(missing->ctx.problem->status, 404);
}

}  // namespace
}  // namespace bronpoort::linkage
