// Log before release: the stage hands the request's records to the group-commit writer and lets
// the pipeline continue only when they are durable. A data response whose records could not be
// committed in time is replaced by 503 log-unavailable, so no data leaves unlogged.

#include <bronpoort/common/log.hpp>
#include <bronpoort/processing_log/log_proofs.hpp>
#include <bronpoort/processing_log/processing_log.hpp>

namespace bronpoort::processing_log {
namespace {

class LogStage final : public Stage {
 public:
  LogStage(std::shared_ptr<ProcessingLog> log, BlockingExecutor* continuation)
      : log_(std::move(log)), continuation_(continuation) {}
  const char* name() const override { return "processing-log"; }
  bool runs_after_refusal() const override { return true; }

  void run(RequestContext& ctx, Resume resume) const override {
    // Let go only once the records are queued: a writer waiting for this request then commits
    // them with the rest.
    auto expected = std::move(ctx.log_expected);
    if (!should_log(ctx)) {
      expected.reset();
      resume(ctx.refused() ? Flow::Stop : Flow::Continue);
      return;
    }
    auto records = records_for_request(ctx, log_->pseudonymiser());
    log_->writer().append(std::move(records), log_->config().commit_timeout,
                          [&ctx, resume = std::move(resume), continuation = continuation_,
                           chain = &log_->writer().chain_id()](const AppendResult& result) {
                            // On the writer thread: a throw here must not end it
                            // (complete_guarded).
                            complete_guarded(ctx, "processing-log", resume, [&](const Resume& now) {
                              auto later = [&ctx, resume, result, chain] {
                                complete_guarded(
                                    ctx, "processing-log", resume,
                                    [&](const Resume& r) { finish(ctx, r, result, *chain); });
                              };
                              if (ctx.post_home) {
                                ctx.post_home(std::move(later));
                              } else if (continuation) {
                                continuation->post(std::move(later));
                              } else {
                                finish(ctx, now, result, *chain);
                              }
                            });
                          });
    expected.reset();
  }

 private:
  static void finish(RequestContext& ctx, const Resume& resume, const AppendResult& result,
                     const std::string& chain) {
    if (result.durable) {
      // The receipt: which log records this response caused, so the recipient can later ask for
      // an inclusion proof against a signed checkpoint (docs/verifiable-log.md).
      if (!ctx.refused() && !result.leaf_hashes.empty()) {
        ctx.response.headers.set(kReceiptHeader,
                                 format_receipt(chain, result.first_seq, result.leaf_hashes));
      }
      resume(ctx.refused() ? Flow::Stop : Flow::Continue);
      return;
    }
    common::log_event(common::Level::Warn, "log-records-not-durable",
                      {{"traceId", ctx.trace.trace_id}, {"error", result.error}});
    if (!ctx.refused()) {
      ctx.fail(make_problem(503, "log-unavailable",
                            "The processing log could not record this request, so no data "
                            "was released. Try again shortly."));
      ctx.result = SourceResult{};
      ctx.response.body.clear();
      ctx.response.stream.reset();
      ctx.response.headers.set("Retry-After", "2");
    }
    resume(Flow::Stop);
  }

  std::shared_ptr<ProcessingLog> log_;
  BlockingExecutor* continuation_;
};

class LogExpectStage final : public SyncStage {
 public:
  explicit LogExpectStage(std::shared_ptr<ProcessingLog> log) : log_(std::move(log)) {}
  const char* name() const override { return "processing-log-expect"; }
  Flow process(RequestContext& ctx) const override {
    ctx.log_expected = log_->writer().expect();
    return Flow::Continue;
  }

 private:
  std::shared_ptr<ProcessingLog> log_;
};

}  // namespace

std::shared_ptr<const Stage> make_log_expect_stage(std::shared_ptr<ProcessingLog> log) {
  return std::make_shared<LogExpectStage>(std::move(log));
}

std::shared_ptr<const Stage> make_log_stage(std::shared_ptr<ProcessingLog> log,
                                            BlockingExecutor* continuation) {
  return std::make_shared<LogStage>(std::move(log), continuation);
}

}  // namespace bronpoort::processing_log
