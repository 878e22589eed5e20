// The log stage on whole requests: what is recorded, that data waits for durability, and that a
// failing log lets no data leave.

#include "log_test_support.hpp"

#include <bronpoort/processing_log/processing_log.hpp>

#include <gtest/gtest.h>

#include <fstream>
#include <future>
#include <set>
#include <sstream>
#include <thread>

namespace bronpoort::processing_log {
namespace {

using namespace std::chrono_literals;

constexpr const char* kBsn = "999993653";

ProcessingLogConfig test_config() {
  ProcessingLogConfig c;
  c.pseudonym_key = "test-key-0123456789abcdef0123456789";
  c.pseudonym_key_id = "k1";
  c.commit_timeout = 300ms;
  c.writer.chain_id = "gw-test";
  return c;
}

RequestContext data_request() {
  RequestContext ctx;
  ctx.request.method = "POST";
  ctx.request.path = "/v1/datasets/persons/persons/search";
  ctx.trace = make_trace_context(std::nullopt);
  ctx.identity.authenticated = true;
  ctx.identity.subject = "alice";
  ctx.identity.organisation = "00000001234567890000";
  ctx.identity.roles = {"case-worker"};
  ctx.route.kind = RouteKind::Data;
  ctx.route.name = "/v1/datasets/{dataset}/{resource}/search";
  ctx.route.dataset = "persons";
  ctx.route.resource = "persons";
  ctx.route.operation = DataOperation::Search;
  ctx.route.owner_organisation = "00000009876543210000";
  ctx.purpose_id = "benefit-check";
  ctx.decision.evaluated = true;
  ctx.decision.allowed = true;
  ctx.decision.purpose_id = "benefit-check";
  ctx.decision.legal_basis = "Participatiewet art. 64";
  ctx.decision.processing_activity = "https://example.nl/activities/benefit-check";
  ctx.decision.role = "case-worker";
  ctx.decision.fields_granted = {"name", "birthDate"};
  ctx.decision.fields_withheld = {"bsn"};
  ctx.result.fetched = true;
  ctx.result.body = nlohmann::json::array({{{"name", "A"}}, {{"name", "B"}}});
  ctx.result.latency = 1500us;
  ctx.data_subjects = {{"BSN", kBsn}, {"BSN", "111222333"}};
  return ctx;
}

Flow run_stage(const Stage& stage, RequestContext& ctx) {
  std::promise<Flow> flow;
  stage.run(ctx, [&](Flow f) { flow.set_value(f); });
  auto fut = flow.get_future();
  EXPECT_EQ(fut.wait_for(5s), std::future_status::ready);
  return fut.get();
}

class LogStage : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::temp_path("stage");
    store_ = open_sqlite_store((dir_ / "log.db").string());
    log_ = ProcessingLog::start(test_config(), store_);
    stage_ = make_log_stage(log_);
  }
  void TearDown() override {
    stage_.reset();
    log_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  std::vector<LogRecord> all() { return store_->query({}, std::nullopt, 100).records; }

  std::filesystem::path dir_;
  std::shared_ptr<LogStore> store_;
  std::shared_ptr<ProcessingLog> log_;
  std::shared_ptr<const Stage> stage_;
};

TEST_F(LogStage, RunsForRefusedRequests) {
  EXPECT_TRUE(stage_->runs_after_refusal());
}

TEST_F(LogStage, AllowedRequestGetsOneProcessingRecordPerSubjectAndAnAuditRecord) {
  auto ctx = data_request();
  ASSERT_EQ(run_stage(*stage_, ctx), Flow::Continue);
  auto records = all();
  ASSERT_EQ(records.size(), 3u);
  int processing = 0;
  std::set<std::string> subjects;
  for (const auto& r : records) {
    EXPECT_EQ(r.trace_id, ctx.trace.trace_id);
    EXPECT_EQ(r.purpose, "benefit-check");
    EXPECT_EQ(r.owner_organisation, "00000009876543210000");
    if (r.kind == RecordKind::Processing) {
      ++processing;
      EXPECT_EQ(r.parent_span_id, ctx.trace.span_id);  // child span of the request
      EXPECT_NE(r.span_id, ctx.trace.span_id);
      EXPECT_EQ(r.processing_activity_id, "https://example.nl/activities/benefit-check");
      EXPECT_EQ(r.data_subject_id_type, "BSN");
      EXPECT_EQ(r.pseudonym_key_id, "k1");
      subjects.insert(r.data_subject_id);
      EXPECT_EQ(r.status, "Ok");
    } else {
      EXPECT_EQ(r.span_id, ctx.trace.span_id);
      EXPECT_EQ(r.organisation, "00000001234567890000");
      EXPECT_EQ(r.user, "alice");
      EXPECT_EQ(r.role, "case-worker");
      EXPECT_EQ(r.legal_basis, "Participatiewet art. 64");
      EXPECT_EQ(r.decision, "allow");
      EXPECT_EQ(r.http_status, 200);
      EXPECT_EQ(r.record_count, 2);
      EXPECT_EQ(r.source_latency_us, 1500);
      EXPECT_EQ(r.fields_released, (std::vector<std::string>{"name", "birthDate"}));
      EXPECT_EQ(r.fields_withheld, (std::vector<std::string>{"bsn"}));
    }
  }
  EXPECT_EQ(processing, 2);
  const auto& pseudo = log_->pseudonymiser();
  EXPECT_EQ(subjects, (std::set<std::string>{pseudo.pseudonym("BSN", kBsn),
                                             pseudo.pseudonym("BSN", "111222333")}));
}

TEST_F(LogStage, RawSubjectIdentifierIsNeverStored) {
  auto ctx = data_request();
  ASSERT_EQ(run_stage(*stage_, ctx), Flow::Continue);
  log_.reset();  // let the writer finish
  stage_.reset();
  store_.reset();
  for (const auto& entry : std::filesystem::directory_iterator(dir_)) {
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    EXPECT_EQ(ss.str().find(kBsn), std::string::npos) << entry.path();
  }
}

TEST_F(LogStage, DeniedRequestIsRecordedAndStaysRefused) {
  auto ctx = data_request();
  ctx.decision.allowed = false;
  ctx.decision.code = "no-grant";
  ctx.decision.reason = "No grant for purpose benefit-check on persons.";
  ctx.result = SourceResult{};
  ctx.data_subjects.clear();
  ctx.fail(make_problem(403, "no-grant", "No grant."));
  ASSERT_EQ(run_stage(*stage_, ctx), Flow::Stop);
  EXPECT_EQ(ctx.problem->code, "no-grant");
  auto records = all();
  ASSERT_EQ(records.size(), 1u);  // subject unknown: audit record only
  EXPECT_EQ(records[0].kind, RecordKind::Audit);
  EXPECT_EQ(records[0].decision, "deny");
  EXPECT_EQ(records[0].reason_code, "no-grant");
  EXPECT_EQ(records[0].http_status, 403);
  EXPECT_EQ(records[0].status, "Error");
  EXPECT_TRUE(records[0].fields_released.empty());
  EXPECT_EQ(records[0].details["reason"], "No grant for purpose benefit-check on persons.");
}

TEST_F(LogStage, DeniedLookupOfAKnownSubjectIsRecordedForThatSubject) {
  auto ctx = data_request();
  ctx.decision.allowed = false;
  ctx.result = SourceResult{};
  ctx.data_subjects = {{"BSN", kBsn}};
  ctx.fail(make_problem(403, "no-grant", "No grant."));
  ASSERT_EQ(run_stage(*stage_, ctx), Flow::Stop);
  LogFilter f;
  f.data_subject_id = log_->pseudonymiser().pseudonym("BSN", kBsn);
  auto mine = store_->query(f, std::nullopt, 10).records;
  ASSERT_EQ(mine.size(), 1u);
  EXPECT_EQ(mine[0].status, "Error");
}

TEST_F(LogStage, RequestWithoutPersonalDataGetsOneRecordWithoutSubject) {
  auto ctx = data_request();
  ctx.data_subjects.clear();
  ASSERT_EQ(run_stage(*stage_, ctx), Flow::Continue);
  LogFilter f;
  f.kind = RecordKind::Processing;
  auto records = store_->query(f, std::nullopt, 10).records;
  ASSERT_EQ(records.size(), 1u);
  EXPECT_TRUE(records[0].data_subject_id.empty());
}

TEST_F(LogStage, ControlEndpointsAreNotLogged) {
  RequestContext ctx;
  ctx.route.kind = RouteKind::Endpoint;
  ctx.route.name = "/healthz";
  EXPECT_EQ(run_stage(*stage_, ctx), Flow::Continue);
  EXPECT_TRUE(all().empty());
}

// The expect stage announces a request to a writer that waits (maxWaitMicros) while any is on its
// way; the log stage must let go once the records are queued, or every commit would wait out
// max_wait. With a 30 s max_wait, the answer coming in seconds shows both halves work.
TEST(LogStageExpectation, TheLogStageLetsGoOfTheAnnouncementOnceItsRecordsAreQueued) {
  auto store = std::make_shared<testing::FakeStore>();
  auto config = test_config();
  config.writer.max_wait = 30s;
  config.writer.min_on_the_way = 1;
  config.commit_timeout = 60s;
  auto log = ProcessingLog::start(config, store);
  auto expect = make_log_expect_stage(log);
  auto stage = make_log_stage(log);
  auto logged = data_request();
  auto not_logged = data_request();
  not_logged.route.kind = RouteKind::Endpoint;  // no records: let go without an append
  not_logged.decision.evaluated = false;
  ASSERT_EQ(run_stage(*expect, logged), Flow::Continue);
  ASSERT_EQ(run_stage(*expect, not_logged), Flow::Continue);
  EXPECT_TRUE(logged.log_expected);
  const auto started = std::chrono::steady_clock::now();
  std::promise<Flow> flow;
  stage->run(logged, [&](Flow f) { flow.set_value(f); });
  EXPECT_FALSE(logged.log_expected);
  auto answer = flow.get_future();
  // The other request is still on its way: the commit waits for it.
  EXPECT_EQ(answer.wait_for(300ms), std::future_status::timeout);
  EXPECT_EQ(run_stage(*stage, not_logged), Flow::Continue);
  EXPECT_FALSE(not_logged.log_expected);
  ASSERT_EQ(answer.wait_for(5s), std::future_status::ready);
  EXPECT_EQ(answer.get(), Flow::Continue);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 10s);
  EXPECT_EQ(store->record_count(), 3u);
}

TEST(LogStageContinuation, ResumesOnTheGivenExecutorNotTheWriterThread) {
  class RecordingExecutor : public BlockingExecutor {
   public:
    void post(std::function<void()> work) override {
      ++posted;
      std::thread([work = std::move(work)] { work(); }).detach();
    }
    std::atomic<int> posted{0};
  };
  RecordingExecutor executor;
  auto store = std::make_shared<testing::FakeStore>();
  auto log = ProcessingLog::start(test_config(), store);
  auto stage = make_log_stage(log, &executor);
  auto ctx = data_request();
  EXPECT_EQ(run_stage(*stage, ctx), Flow::Continue);
  EXPECT_EQ(executor.posted.load(), 1);
  EXPECT_EQ(store->record_count(), 3u);
}

TEST(LogStageFailure, FailingLogReplacesDataWith503) {
  auto store = std::make_shared<testing::FakeStore>();
  store->failing = true;
  auto log = ProcessingLog::start(test_config(), store);
  auto stage = make_log_stage(log);
  auto ctx = data_request();
  ctx.response.body = R"([{"name":"A"}])";
  EXPECT_EQ(run_stage(*stage, ctx), Flow::Stop);
  ASSERT_TRUE(ctx.refused());
  EXPECT_EQ(ctx.problem->status, 503);
  EXPECT_EQ(ctx.problem->code, "log-unavailable");
  EXPECT_FALSE(ctx.result.fetched);
  EXPECT_TRUE(ctx.result.body.is_null());
  EXPECT_TRUE(ctx.response.body.empty());
  EXPECT_FALSE(log->healthy());
}

// A request queued behind a hung commit fails closed at its deadline, and no data leaves. (The
// request whose batch was taken waits for that batch's outcome: see GroupCommitWriter's
// TakenBatchIsAnsweredByItsCommitNotByTheDeadline.)
TEST(LogStageFailure, HungLogFailsClosedWithinTheCommitTimeout) {
  auto store = std::make_shared<testing::FakeStore>();
  store->hang();
  auto log = ProcessingLog::start(test_config(), store);
  auto taken = log->writer().append({testing::sample_record()}, 10s);  // occupies the writer
  std::this_thread::sleep_for(50ms);
  auto stage = make_log_stage(log);
  auto ctx = data_request();
  auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(run_stage(*stage, ctx), Flow::Stop);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
  EXPECT_EQ(ctx.problem->code, "log-unavailable");
  EXPECT_FALSE(ctx.result.fetched);
  store->release();
  EXPECT_TRUE(taken.get().durable);
}

TEST(LogStageFailure, AuditEventsFromOtherStagesAreChained) {
  auto store = std::make_shared<testing::FakeStore>();
  auto log = ProcessingLog::start(test_config(), store);
  auto ctx = data_request();
  std::promise<AppendResult> done;
  log->append_audit_event(ctx,
                          {"grant-revoked",
                           "benefit-check",
                           "persons",
                           "00000009876543210000",
                           {"name"},
                           {{"grantId", "g-42"}}},
                          [&](const AppendResult& r) { done.set_value(r); });
  EXPECT_TRUE(done.get_future().get().durable);
  EXPECT_EQ(store->record_count(), 1u);
}

}  // namespace
}  // namespace bronpoort::processing_log
