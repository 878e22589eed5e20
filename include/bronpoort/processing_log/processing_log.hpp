#pragma once
// The processing log of one gateway process: store, group-commit writer, keys. Created once at
// start-up and kept across config reloads (its writer owns the chain head; two writers on one
// chain would fork it). The log stage and the log endpoints hold a shared_ptr to it.

#include <bronpoort/core/route.hpp>
#include <bronpoort/core/stage.hpp>
#include <bronpoort/processing_log/config.hpp>
#include <bronpoort/processing_log/group_commit_writer.hpp>
#include <bronpoort/processing_log/log_store.hpp>
#include <bronpoort/processing_log/pseudonymiser.hpp>
#include <bronpoort/processing_log/records_from_request.hpp>

#include <memory>
#include <vector>

namespace bronpoort::processing_log {

class WitnessPusher;

class ProcessingLog {
 public:
  // Opens the store (applying migrations) and starts the writer. Throws StoreError when the SQLite
  // file cannot be opened; an unreachable PostgreSQL only makes the log unhealthy until it answers.
  static std::shared_ptr<ProcessingLog> start(const ProcessingLogConfig& config);
  // For tests and benchmarks: a ready store.
  static std::shared_ptr<ProcessingLog> start(const ProcessingLogConfig& config,
                                              std::shared_ptr<LogStore> store);

  // Appends an audit record for a change made by the request in `ctx` (grant created, access
  // request approved, ...). `done` reports durability; callers that change state should make the
  // change visible only after it is durable, like data responses.
  void append_audit_event(const RequestContext& ctx, const AuditEvent& event, AppendCallback done);

  // For /readyz: the last commit succeeded (or the store answers again after a failure).
  bool healthy() const { return writer_->healthy(); }

  GroupCommitWriter& writer() { return *writer_; }
  LogStore& store() { return *store_; }
  const Pseudonymiser& pseudonymiser() const { return pseudonymiser_; }
  const CheckpointVerifier* verifier() const { return config_.verifier.get(); }
  const ProcessingLogConfig& config() const { return config_; }

  ProcessingLog(const ProcessingLogConfig& config, std::shared_ptr<LogStore> store);
  ~ProcessingLog();

 private:
  ProcessingLogConfig config_;
  std::shared_ptr<LogStore> store_;
  Pseudonymiser pseudonymiser_;
  // Before the writer: it outlives it, so the checkpoint signed at shutdown still reaches the
  // witnesses.
  std::shared_ptr<WitnessPusher> pusher_;
  std::unique_ptr<GroupCommitWriter> writer_;
};

// The pipeline's log stage: runs for refused requests too, and lets a response carrying data
// continue only once its records are durable; otherwise it is replaced by 503 log-unavailable.
// A request with a home thread (`ctx.post_home`, every request the server reads) resumes there.
// Otherwise it resumes on `continuation`; without one, on the writer thread itself, which only
// tests do: rendering a response there holds up the next commit.
std::shared_ptr<const Stage> make_log_stage(std::shared_ptr<ProcessingLog> log,
                                            BlockingExecutor* continuation = nullptr);

// The first stage of the chain: announces each request to the log writer, so that a commit may
// wait (up to maxWaitMicros) for requests still on their way to the log stage.
std::shared_ptr<const Stage> make_log_expect_stage(std::shared_ptr<ProcessingLog> log);

// The auditor and citizen endpoints. Database work runs on `executor`, which must outlive them.
std::vector<EndpointRoute> make_log_endpoints(std::shared_ptr<ProcessingLog> log,
                                              BlockingExecutor& executor);

}  // namespace bronpoort::processing_log
