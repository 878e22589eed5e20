#pragma once
// The interface every pipeline stage implements. A stage either lets the request continue or stops
// it; to refuse it sets ctx.problem and returns Flow::Stop. Stages are immutable once built (they
// are rebuilt on config reload), so one instance serves all requests concurrently.

#include <bronpoort/core/request_context.hpp>

#include <exception>
#include <functional>
#include <memory>
#include <optional>

namespace bronpoort {

enum class Flow { Continue, Stop };

// Called exactly once when a stage is done, from whichever thread finished the work.
using Resume = std::function<void(Flow)>;

class Stage {
 public:
  virtual ~Stage() = default;
  virtual const char* name() const = 0;
  // Runs the stage and calls `resume` exactly once, now or later. `ctx` stays alive until then.
  virtual void run(RequestContext& ctx, Resume resume) const = 0;
  // Whether this stage also runs for a request an earlier stage refused. The processing log does:
  // refusals are recorded too.
  virtual bool runs_after_refusal() const { return false; }
  // For a request this stage finishes without waiting: runs it and says how the request goes on.
  // Otherwise std::nullopt, having done nothing, and the pipeline calls run(). The pipeline tries
  // this first, so that a stage that does not wait costs no Resume (an allocation and a handful
  // of reference counts each).
  virtual std::optional<Flow> run_at_once(RequestContext&) const { return std::nullopt; }
};

// A stage that finishes at once without waiting for I/O.
class SyncStage : public Stage {
 public:
  void run(RequestContext& ctx, Resume resume) const final { resume(process(ctx)); }
  std::optional<Flow> run_at_once(RequestContext& ctx) const final { return process(ctx); }
  virtual Flow process(RequestContext& ctx) const = 0;
};

// One of the gateway's own endpoints (catalog, purposes, grants, processing log, ...). It fills
// ctx.response, or ctx.problem to refuse, and calls `done` exactly once.
class Endpoint {
 public:
  virtual ~Endpoint() = default;
  virtual void handle(RequestContext& ctx, Resume done) const = 0;
};

// An endpoint made from a function, for stages whose endpoints need no state of their own.
using EndpointHandler = std::function<void(RequestContext&, Resume)>;
std::shared_ptr<const Endpoint> make_endpoint(EndpointHandler handler);

// Where a failure that no request can be answered with is reported (a throw in a completion after
// it resumed, a task that threw on a pool). observability::init_logging installs the structured
// log's reporter; until then such failures go to stderr as one JSON object per line.
using FailureReporter = void (*)(const char* where, const char* what);
void set_failure_reporter(FailureReporter reporter);
void report_failure(const char* where, const char* what) noexcept;

namespace detail {
void fail_completion(RequestContext& ctx, const char* stage, const char* what,
                     const Resume& resume) noexcept;
}  // namespace detail

// Runs `body(resume)`: a stage's completion, on whichever thread finished its work (a connector's
// answer, the log writer's commit, the blocking pool). Outside the pipeline's own try, a throw
// there would end the process; here, a throw before `body` resumed fails the request with 500
// internal-error, reports the failure and resumes with Flow::Stop, so the processing log still
// records the request and the gateway keeps serving. A throw after it resumed is only reported:
// the request may be answered and gone by then.
template <class Body>
void complete_guarded(RequestContext& ctx, const char* stage, const Resume& resume,
                      Body&& body) noexcept {
  bool resumed = false;
  const Resume tracked = [&resumed, &resume](Flow flow) {
    resumed = true;
    resume(flow);
  };
  try {
    body(tracked);
  } catch (const std::exception& e) {
    if (resumed) {
      report_failure(stage, e.what());
    } else {
      detail::fail_completion(ctx, stage, e.what(), resume);
    }
  } catch (...) {
    if (resumed) {
      report_failure(stage, "unknown exception");
    } else {
      detail::fail_completion(ctx, stage, "unknown exception", resume);
    }
  }
}

// Runs blocking work (database calls, fsync) off the I/O threads.
class BlockingExecutor {
 public:
  virtual ~BlockingExecutor() = default;
  virtual void post(std::function<void()> work) = 0;
};

}  // namespace bronpoort
