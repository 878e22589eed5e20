// Issue 14's error rule on the data path: a throw in work that completes on another thread never
// ends the process. A source connector whose completion throws on its pool leaves the request
// with a problem, the same pipeline keeps serving, and the processing log still verifies.
#include "registry_fixture.hpp"

#include <bronpoort/net/thread_pool_executor.hpp>
#include <bronpoort/pipeline/pipeline.hpp>
#include <bronpoort/pipeline/route_stage.hpp>
#include <bronpoort/processing_log/processing_log.hpp>
#include <bronpoort/processing_log/verifier.hpp>
#include <bronpoort/sources/data_route.hpp>
#include <bronpoort/sources/fetch_stage.hpp>

#include <gtest/gtest.h>

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <future>
#include <set>
#include <stdexcept>
#include <thread>

namespace bronpoort::sources {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

// Answers on a pool of its own, as the PostgreSQL connector does. While `fail` is set, the task
// throws before it calls `done`.
class FlakyConnector final : public SourceConnector {
 public:
  std::atomic<bool> fail{false};
  void fetch(std::shared_ptr<const FetchRequest>, FetchDone done) override {
    pool_.post([this, done = std::move(done)] {
      if (fail) throw std::runtime_error("connector bug");
      done(FetchedPage{nlohmann::json::array(), std::nullopt, false});
    });
  }
  // Waits until every task before this one has run and been destroyed (one thread, in order), so
  // nothing the test owns is released last on the pool's own thread.
  void drain() {
    std::promise<void> drained;
    pool_.post([&] { drained.set_value(); });
    drained.get_future().wait();
  }

 private:
  net::ThreadPoolExecutor pool_{1};
};

class CompletionGuard : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("bronpoort-guard-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    processing_log::ProcessingLogConfig config;
    config.pseudonym_key = "test-key-0123456789abcdef0123456789";
    config.pseudonym_key_id = "k1";
    config.commit_timeout = 2s;
    config.writer.chain_id = "guard-test";
    store_ = processing_log::open_sqlite_store((dir_ / "log.db").string());
    log_ = processing_log::ProcessingLog::start(config, store_);

    registry_ = testing::demo_registry();
    const auto* addresses = registry_->dataset("addresses")->resource("addresses");
    runtime_.use_connector(*addresses, connector_);
    std::vector<std::shared_ptr<const Stage>> stages = {
        std::make_shared<pipeline::RouteStage>(pipeline::RouteTable{},
                                               make_data_route_resolver(registry_)),
        make_fetch_stage(registry_, std::shared_ptr<SourceRuntime>(&runtime_, [](auto*) {})),
        processing_log::make_log_stage(log_),
    };
    pipeline_ = std::make_shared<pipeline::Pipeline>(std::move(stages), nullptr);
  }
  void TearDown() override {
    connector_->drain();
    // The connector's pool and the log writer's thread let go of the pipeline just
    // after the response: wait for that, so nothing joins a thread from that thread itself.
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (pipeline_.use_count() > 1 && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(1ms);
    }
    EXPECT_EQ(pipeline_.use_count(), 1);
    pipeline_.reset();
    log_.reset();
    store_.reset();
    fs::remove_all(dir_);
  }

  // One list request through the pipeline; the response once `done` has been called.
  HttpResponse get_addresses() {
    auto ctx = std::make_shared<RequestContext>();
    ctx->request.method = "GET";
    ctx->request.path = "/v1/datasets/addresses/addresses";
    ctx->request.target = ctx->request.path;
    ctx->trace = make_trace_context(std::nullopt);
    ctx->identity.authenticated = true;
    ctx->identity.subject = "alice";
    ctx->identity.organisation = "00000001001234567000";
    std::promise<void> finished;
    pipeline_->run(ctx, [&] { finished.set_value(); });
    EXPECT_EQ(finished.get_future().wait_for(10s), std::future_status::ready);
    return ctx->response;
  }

  fs::path dir_;
  std::shared_ptr<processing_log::LogStore> store_;
  std::shared_ptr<processing_log::ProcessingLog> log_;
  std::shared_ptr<const Registry> registry_;
  std::shared_ptr<FlakyConnector> connector_ = std::make_shared<FlakyConnector>();
  SourceRuntime runtime_;
  std::shared_ptr<pipeline::Pipeline> pipeline_;
};

TEST_F(CompletionGuard, AConnectorWhoseCompletionThrowsLeavesAProblemAndTheGatewayServing) {
  connector_->fail = true;
  auto failed = get_addresses();
  EXPECT_EQ(failed.status, 502);
  EXPECT_NE(failed.body.find("source-error"), std::string::npos) << failed.body;

  connector_->fail = false;
  auto served = get_addresses();
  EXPECT_EQ(served.status, 200) << served.body;
  EXPECT_EQ(served.body, "[]");

  // Both requests have their records, and the chain verifies.
  std::multiset<int> statuses;
  for (const auto& r : store_->query({}, std::nullopt, 100).records) {
    if (r.kind == processing_log::RecordKind::Audit) statuses.insert(r.http_status);
  }
  EXPECT_EQ(statuses, (std::multiset<int>{200, 502}));
  auto report = processing_log::verify_log(*store_, nullptr);
  EXPECT_TRUE(report.ok) << report.to_json().dump();
}

TEST(CompleteGuarded, AThrowBeforeResumingFailsTheRequestOnce) {
  RequestContext ctx;
  int resumed = 0;
  Flow last = Flow::Continue;
  complete_guarded(
      ctx, "test", [&](Flow f) { ++resumed, last = f; },
      [](const Resume&) { throw std::runtime_error("boom"); });
  EXPECT_EQ(resumed, 1);
  EXPECT_EQ(last, Flow::Stop);
  ASSERT_TRUE(ctx.problem);
  EXPECT_EQ(ctx.problem->status, 500);
  EXPECT_EQ(ctx.problem->code, "internal-error");
}

TEST(CompleteGuarded, AThrowAfterResumingIsOnlyReported) {
  RequestContext ctx;
  int resumed = 0;
  static std::atomic<int> reported{0};
  set_failure_reporter([](const char*, const char*) { ++reported; });
  complete_guarded(
      ctx, "test", [&](Flow) { ++resumed; },
      [](const Resume& r) {
        r(Flow::Continue);
        throw std::runtime_error("late");
      });
  set_failure_reporter(nullptr);
  EXPECT_EQ(resumed, 1);
  EXPECT_FALSE(ctx.problem);
  EXPECT_EQ(reported.load(), 1);
}

TEST(CompleteGuarded, APoolTaskThatThrowsDoesNotEndThePool) {
  net::ThreadPoolExecutor pool(1);
  std::promise<void> second;
  pool.post([] { throw std::runtime_error("task bug"); });
  pool.post([&] { second.set_value(); });
  EXPECT_EQ(second.get_future().wait_for(5s), std::future_status::ready);
}

}  // namespace
}  // namespace bronpoort::sources
