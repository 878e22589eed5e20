// The auditor, source-holder and citizen views of the log: who sees what, filters, paging, export,
// the standard's read API, checkpoints and verification over HTTP-shaped requests.

#include "log_test_support.hpp"

#include <bronpoort/processing_log/processing_log.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <future>
#include <map>
#include <set>
#include <sstream>

namespace bronpoort::processing_log {
namespace {

using namespace std::chrono_literals;

constexpr const char* kCitizenBsn = "999993653";
constexpr const char* kOtherBsn = "111222333";
constexpr const char* kCaseworkerOrg = "00000001111111110000";
constexpr const char* kOtherOrg = "00000002222222220000";
constexpr const char* kOwnerOrg = "00000009999999990000";

class InlineExecutor : public BlockingExecutor {
 public:
  void post(std::function<void()> work) override { work(); }
};

class LogEndpoints : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::temp_path("endpoints");
    store_ = open_sqlite_store((dir_ / "log.db").string());
    ProcessingLogConfig config;
    config.pseudonym_key = "endpoint-test-key-0123456789abcdef";
    config.pseudonym_key_id = "k1";
    std::string error;
    std::shared_ptr<const CheckpointSigner> signer = CheckpointSigner::from_pem_file(
        std::filesystem::path(BRONPOORT_SOURCE_DIR) / "config/keys/demo-log-checkpoint-ed25519.pem",
        "demo", error);
    config.signer = signer;
    config.verifier = CheckpointVerifier::from_pem(signer->public_key_pem(), error);
    config.writer.checkpoint_every_records = 3;
    config.max_page_size = 100;
    log_ = ProcessingLog::start(config, store_);
    for (const auto& route : make_log_endpoints(log_, executor_)) {
      routes_[route.method + " " + route.path_template] = route.endpoint;
    }
    // Request 1: caseworker org reads the citizen; request 2: other org reads someone else on
    // another owner's dataset; request 3: denied.
    write(request(kCaseworkerOrg, kOwnerOrg, "persons", {{"BSN", kCitizenBsn}}, true));
    write(request(kOtherOrg, "00000003333333330000", "vehicles", {{"BSN", kOtherBsn}}, true));
    write(request(kOtherOrg, kOwnerOrg, "persons", {}, false));
  }

  void TearDown() override {
    routes_.clear();
    log_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  RequestContext request(const std::string& org, const std::string& owner,
                         const std::string& dataset, std::vector<DataSubject> subjects,
                         bool allowed) {
    RequestContext ctx;
    ctx.request.method = "GET";
    ctx.trace = make_trace_context(std::nullopt);
    ctx.identity = {true, "iss", "user-" + org, org, {"case-worker"}};
    ctx.route.kind = RouteKind::Data;
    ctx.route.dataset = dataset;
    ctx.route.resource = dataset;
    ctx.route.owner_organisation = owner;
    ctx.decision.evaluated = true;
    ctx.decision.allowed = allowed;
    ctx.decision.purpose_id = "benefit-check";
    ctx.decision.legal_basis = "Participatiewet art. 64";
    ctx.decision.processing_activity = "https://example.nl/activities/benefit-check";
    ctx.data_subjects = std::move(subjects);
    if (allowed) {
      ctx.result.fetched = true;
      ctx.result.body = nlohmann::json::object();
    } else {
      ctx.fail(make_problem(403, "no-grant", "No grant."));
    }
    return ctx;
  }

  void write(const RequestContext& ctx) {
    auto r = log_->writer().append(records_for_request(ctx, log_->pseudonymiser()), 5s).get();
    ASSERT_TRUE(r.durable);
  }

  struct Answer {
    Flow flow;
    RequestContext ctx;
    nlohmann::json body;
  };

  Answer call(const std::string& method, const std::string& target, Identity identity,
              std::string body = {}, const std::string& purpose = {}) {
    Answer a{Flow::Continue, {}, {}};
    a.ctx.identity = std::move(identity);
    a.ctx.request.method = method;
    a.ctx.request.target = target;
    auto q = target.find('?');
    a.ctx.request.path = target.substr(0, q);
    if (q != std::string::npos) {
      a.ctx.request.raw_query = target.substr(q + 1);
      EXPECT_TRUE(parse_query(a.ctx.request.raw_query, a.ctx.request.query));
    }
    a.ctx.request.body = std::move(body);
    if (!purpose.empty()) a.ctx.request.headers.add("Processing-Purpose", purpose);
    auto endpoint = routes_.at(method + " " + a.ctx.request.path);
    std::promise<Flow> flow;
    endpoint->handle(a.ctx, [&](Flow f) { flow.set_value(f); });
    a.flow = flow.get_future().get();
    if (a.ctx.refused()) {
      a.body = nlohmann::json::parse(a.ctx.problem->to_json("", ""));
    } else if (!a.ctx.response.stream) {
      a.body = nlohmann::json::parse(a.ctx.response.body);
    }
    return a;
  }

  static Identity who(std::vector<std::string> roles, std::string org = {},
                      std::optional<std::string> bsn = std::nullopt) {
    Identity id;
    id.authenticated = true;
    id.subject = "someone";
    id.roles = std::move(roles);
    id.organisation = std::move(org);
    id.bsn = std::move(bsn);
    return id;
  }

  std::filesystem::path dir_;
  std::shared_ptr<LogStore> store_;
  InlineExecutor executor_;
  std::shared_ptr<ProcessingLog> log_;
  std::map<std::string, std::shared_ptr<const Endpoint>> routes_;
};

TEST_F(LogEndpoints, OffersTheLogAndProofRoutes) {
  EXPECT_EQ(routes_.size(), 9u);
  EXPECT_TRUE(routes_.count("POST /v1/processing-activities"));
  EXPECT_TRUE(routes_.count("GET /v1/my-processing-log"));
  EXPECT_TRUE(routes_.count("GET /v1/processing-log/chains/{chainId}/checkpoint"));
  EXPECT_TRUE(routes_.count("GET /v1/processing-log/chains/{chainId}/inclusion-proof"));
  EXPECT_TRUE(routes_.count("GET /v1/processing-log/chains/{chainId}/consistency-proof"));
}

TEST_F(LogEndpoints, AuditorSeesEverythingNewestFirstAndPages) {
  auto all = call("GET", "/v1/processing-log", who({"auditor"}));
  ASSERT_EQ(all.flow, Flow::Continue);
  // 2 processing + 3 audit records, and the audit record of this very read, written before it.
  EXPECT_EQ(all.body["records"].size(), 6u);
  EXPECT_EQ(all.body["records"][0]["event"], "processing-log-read");
  std::set<std::string> seen;
  std::string target = "/v1/processing-log?pageSize=2";
  int pages = 0;
  while (!target.empty() && pages < 10) {
    auto page = call("GET", target, who({"auditor"}));
    ASSERT_EQ(page.flow, Flow::Continue) << page.body.dump();
    for (const auto& r : page.body["records"]) {
      seen.insert(r["chainId"].get<std::string>() + std::to_string(r["seq"].get<int>()));
    }
    target = page.body["_links"].contains("next")
                 ? page.body["_links"]["next"]["href"].get<std::string>()
                 : "";
    ++pages;
  }
  // Each page's read is recorded before it; later pages only go further back in time.
  EXPECT_EQ(seen.size(), 7u);
  EXPECT_EQ(pages, 4);
}

TEST_F(LogEndpoints, AuditorFilters) {
  auto denied = call("GET", "/v1/processing-log?decision=deny", who({"auditor"}));
  ASSERT_EQ(denied.body["records"].size(), 1u);
  EXPECT_EQ(denied.body["records"][0]["reasonCode"], "no-grant");
  auto status = call("GET", "/v1/processing-log?status=403&kind=audit", who({"auditor"}));
  EXPECT_EQ(status.body["records"].size(), 1u);
  auto vehicles = call("GET", "/v1/processing-log?dataset=vehicles", who({"auditor"}));
  EXPECT_EQ(vehicles.body["records"].size(), 2u);
  auto org = call("GET", std::string("/v1/processing-log?organisation=") + kCaseworkerOrg,
                  who({"auditor"}));
  EXPECT_EQ(org.body["records"].size(), 2u);
  auto future = call("GET", "/v1/processing-log?from=2999-01-01T00:00:00Z", who({"auditor"}));
  EXPECT_TRUE(future.body["records"].empty());
  std::string trace = vehicles.body["records"][0]["traceId"];
  auto by_trace = call("GET", "/v1/processing-log?traceId=" + trace, who({"auditor"}));
  EXPECT_EQ(by_trace.body["records"].size(), 2u);
}

TEST_F(LogEndpoints, SourceAdminSeesOnlyItsOwnDatasets) {
  auto a = call("GET", "/v1/processing-log", who({"source-admin"}, kOwnerOrg));
  ASSERT_EQ(a.flow, Flow::Continue);
  ASSERT_EQ(a.body["records"].size(), 3u);
  for (const auto& r : a.body["records"]) EXPECT_EQ(r["ownerOrganisation"], kOwnerOrg);
}

TEST_F(LogEndpoints, PrivacyOfficerSeesOnlyItsOwnOrganisationsRequests) {
  auto mine =
      call("GET", "/v1/processing-log?kind=processing", who({"privacy-officer"}, kCaseworkerOrg));
  ASSERT_EQ(mine.flow, Flow::Continue) << mine.body.dump();
  ASSERT_EQ(mine.body["records"].size(), 1u);
  for (const auto& r : mine.body["records"]) EXPECT_EQ(r["organisation"], kCaseworkerOrg);
  auto theirs = call("GET", std::string("/v1/processing-log?organisation=") + kOtherOrg,
                     who({"privacy-officer"}, kCaseworkerOrg));
  EXPECT_EQ(theirs.flow, Flow::Stop);
  EXPECT_EQ(theirs.ctx.problem->status, 403);
}

// The review's critical finding: belonging to an organisation was enough to read its whole log.
// A citizen's token may carry the municipality's OIN; a case worker is no auditor.
TEST_F(LogEndpoints, OrganisationMembershipAloneReadsNothing) {
  const auto subject_lookup = nlohmann::json{{"attributes",
                                              {{"dpl.core.data_subject_id", kOtherBsn},
                                               {"dpl.core.data_subject_id_type", "BSN"}}}}
                                  .dump();
  for (const auto& id : {who({"case-worker"}, kCaseworkerOrg), who({"analyst"}, kOtherOrg),
                         who({"data-subject"}, kCaseworkerOrg, kCitizenBsn), who({}, kOtherOrg)}) {
    for (const auto& [method, target] :
         std::vector<std::pair<std::string, std::string>>{{"GET", "/v1/processing-log"},
                                                          {"GET", "/v1/processing-log/export"},
                                                          {"POST", "/v1/processing-activities"}}) {
      auto a = call(method, target, id, method == "POST" ? subject_lookup : "", "klacht");
      ASSERT_TRUE(a.ctx.problem) << target;
      EXPECT_EQ(a.ctx.problem->status, 403) << target;
      EXPECT_EQ(a.ctx.problem->code, "log-access-denied");
    }
  }
  // Nothing was read, so nothing was recorded as read.
  auto reads = call("GET", "/v1/processing-log?kind=audit", who({"auditor"}));
  for (const auto& r : reads.body["records"]) {
    if (r["event"] == "processing-log-read") {
      EXPECT_EQ(r["organisation"], "") << r.dump();
    }
  }
}

TEST_F(LogEndpoints, AReadThatCannotBeRecordedIsNotAnswered) {
  auto failing = std::make_shared<testing::FakeStore>();
  failing->failing = true;
  ProcessingLogConfig config;
  config.pseudonym_key = "endpoint-test-key-0123456789abcdef";
  config.commit_timeout = 2s;
  auto log = ProcessingLog::start(config, failing);
  std::map<std::string, std::shared_ptr<const Endpoint>> routes;
  for (const auto& route : make_log_endpoints(log, executor_)) {
    routes[route.method + " " + route.path_template] = route.endpoint;
  }
  RequestContext ctx;
  ctx.identity = who({"auditor"});
  ctx.request.method = "GET";
  ctx.request.path = "/v1/processing-log";
  std::promise<Flow> flow;
  routes.at("GET /v1/processing-log")->handle(ctx, [&](Flow f) { flow.set_value(f); });
  EXPECT_EQ(flow.get_future().get(), Flow::Stop);
  ASSERT_TRUE(ctx.problem);
  EXPECT_EQ(ctx.problem->status, 503);
  EXPECT_TRUE(ctx.response.body.empty());
}

TEST_F(LogEndpoints, BadParametersAreNamed) {
  auto a =
      call("GET", "/v1/processing-log?from=yesterday&status=abc&colour=red&cursor=!!&pageSize=1000",
           who({"auditor"}));
  ASSERT_EQ(a.flow, Flow::Stop);
  EXPECT_EQ(a.ctx.problem->status, 400);
  std::set<std::string> names;
  for (const auto& p : a.body["invalidParams"]) names.insert(p["name"]);
  EXPECT_EQ(names, (std::set<std::string>{"from", "status", "colour", "cursor", "pageSize"}));
}

TEST_F(LogEndpoints, ExportStreamsEveryMatchingRecordAsNdjsonPageByPage) {
  for (int i = 0; i < 400; ++i) {
    write(request(kCaseworkerOrg, kOwnerOrg, "persons", {{"BSN", std::to_string(i)}}, true));
  }
  auto a = call("GET", "/v1/processing-log/export?kind=processing", who({"auditor"}));
  ASSERT_EQ(a.flow, Flow::Continue);
  ASSERT_TRUE(a.ctx.response.stream);
  EXPECT_EQ(a.ctx.response.headers.find("Content-Type"), "application/x-ndjson");
  std::size_t lines = 0, chunks = 0;
  while (auto chunk = a.ctx.response.stream->next()) {
    ++chunks;
    std::size_t in_chunk = 0;
    std::istringstream in(*chunk);
    for (std::string line; std::getline(in, line);) {
      EXPECT_EQ(nlohmann::json::parse(line)["kind"], "processing");
      ++in_chunk;
    }
    EXPECT_LE(in_chunk, 500u);  // memory bounded by one page
    lines += in_chunk;
  }
  EXPECT_EQ(lines, 402u);
  EXPECT_EQ(chunks, 1u);
  auto limited = call("GET", "/v1/processing-log/export", who({"privacy-officer"}, kOtherOrg));
  std::size_t other = 0;
  while (auto chunk = limited.ctx.response.stream->next()) {
    other += static_cast<std::size_t>(std::count(chunk->begin(), chunk->end(), '\n'));
  }
  EXPECT_EQ(other, 4u);  // its three records, and the audit record of this export
}

TEST_F(LogEndpoints, StandardReadApiFindsASubjectByItsRawIdInTheBody) {
  auto none = call("POST", "/v1/processing-activities", who({"auditor"}), "{}");
  EXPECT_EQ(none.ctx.problem->status, 400);
  EXPECT_EQ(none.ctx.problem->code, "criteria-required");
  auto unknown = call("POST", "/v1/processing-activities", who({"auditor"}), R"({"bsn":"1"})");
  EXPECT_EQ(unknown.ctx.problem->status, 400);
  const auto by_subject = nlohmann::json{{"attributes",
                                          {{"dpl.core.data_subject_id", kCitizenBsn},
                                           {"dpl.core.data_subject_id_type", "BSN"}}}}
                              .dump();
  // Asking about one person needs a stated purpose.
  auto unstated = call("POST", "/v1/processing-activities", who({"auditor"}), by_subject);
  ASSERT_TRUE(unstated.ctx.problem);
  EXPECT_EQ(unstated.ctx.problem->code, "purpose-missing");
  auto found =
      call("POST", "/v1/processing-activities", who({"auditor"}), by_subject, "klacht-behandeling");
  ASSERT_EQ(found.flow, Flow::Continue) << found.body.dump();
  ASSERT_EQ(found.body["processingActivities"].size(), 1u);
  const auto& rec = found.body["processingActivities"][0];
  EXPECT_EQ(rec["status_code"], "STATUS_CODE_OK");
  EXPECT_EQ(rec["trace_id"].get<std::string>().size(), 32u);
  EXPECT_EQ(rec["operation_id"].get<std::string>().size(), 16u);
  EXPECT_EQ(found.ctx.response.body.find(kCitizenBsn), std::string::npos);
  // The lookup is recorded with its purpose, and without the identifier.
  auto reads =
      call("GET", "/v1/processing-log?kind=audit&purpose=klacht-behandeling", who({"auditor"}));
  ASSERT_EQ(reads.body["records"].size(), 1u) << reads.body.dump();
  EXPECT_EQ(reads.body["records"][0]["event"], "processing-log-read");
  EXPECT_EQ(reads.body["records"][0]["details"]["subjectLookup"], true);
  EXPECT_EQ(reads.body.dump().find(kCitizenBsn), std::string::npos);
}

TEST_F(LogEndpoints, CitizenSeesOnlyRecordsAboutThemself) {
  auto mine = call("GET", "/v1/my-processing-log", who({"data-subject"}, "", kCitizenBsn));
  ASSERT_EQ(mine.flow, Flow::Continue) << mine.body.dump();
  ASSERT_EQ(mine.body["records"].size(), 1u);
  EXPECT_EQ(mine.body["records"][0]["organisation"], kCaseworkerOrg);
  EXPECT_EQ(mine.body["records"][0]["purpose"], "benefit-check");
  EXPECT_EQ(mine.body["records"][0]["legalBasis"], "Participatiewet art. 64");
  // Query filters cannot widen the view to someone else.
  auto sneaky =
      call("GET", "/v1/my-processing-log?dataset=vehicles", who({"data-subject"}, "", kCitizenBsn));
  EXPECT_TRUE(sneaky.body["records"].empty());
  // A source registered with a lower-case subject type still counts as the same citizen.
  write(request(kOtherOrg, kOwnerOrg, "persons", {{"bsn", kCitizenBsn}}, true));
  auto both = call("GET", "/v1/my-processing-log", who({"data-subject"}, "", kCitizenBsn));
  EXPECT_EQ(both.body["records"].size(), 2u);
  auto no_bsn = call("GET", "/v1/my-processing-log", who({"data-subject"}));
  EXPECT_EQ(no_bsn.ctx.problem->status, 403);
  auto not_citizen = call("GET", "/v1/my-processing-log", who({"auditor"}, "", kCitizenBsn));
  EXPECT_EQ(not_citizen.ctx.problem->status, 403);
}

TEST_F(LogEndpoints, CheckpointsAndVerifyForAuditors) {
  auto cps = call("GET", "/v1/processing-log/checkpoints", who({"auditor"}));
  ASSERT_EQ(cps.flow, Flow::Continue);
  ASSERT_FALSE(cps.body["checkpoints"].empty());
  const auto& cp = cps.body["checkpoints"][0];
  Checkpoint copy{cp["chainId"],        cp["seq"],   cp["headHash"],
                  cp["signedAtMicros"], cp["keyId"], cp["signature"]};
  EXPECT_TRUE(log_->verifier()->verify(copy));  // a witness can check its copy
  auto ok = call("GET", "/v1/processing-log/verify", who({"auditor"}));
  EXPECT_EQ(ok.body["ok"], true) << ok.body.dump();
  auto refused = call("GET", "/v1/processing-log/verify", who({"case-worker"}, kCaseworkerOrg));
  EXPECT_EQ(refused.ctx.problem->status, 403);
}

TEST(LogEndpointsDown, UnreadableStoreGives503) {
  class BrokenStore : public testing::FakeStore {
   public:
    LogPage query(const LogFilter&, const std::optional<LogCursor>&, int) override {
      throw StoreError("down");
    }
  };
  InlineExecutor executor;
  ProcessingLogConfig config;
  config.pseudonym_key = "endpoint-test-key-0123456789abcdef";
  auto log = ProcessingLog::start(config, std::make_shared<BrokenStore>());
  auto routes = make_log_endpoints(log, executor);
  RequestContext ctx;
  ctx.identity.authenticated = true;
  ctx.identity.roles = {"auditor"};
  ctx.request.method = "GET";
  ctx.request.path = "/v1/processing-log";
  // The read's audit record commits first (asynchronously), then the read fails.
  std::promise<Flow> flow;
  routes[0].endpoint->handle(ctx, [&](Flow f) { flow.set_value(f); });
  EXPECT_EQ(flow.get_future().get(), Flow::Stop);
  EXPECT_EQ(ctx.problem->status, 503);
  EXPECT_EQ(ctx.problem->code, "log-unavailable");
}

}  // namespace
}  // namespace bronpoort::processing_log
