#include <bronpoort/core/stage.hpp>

#include <atomic>
#include <cstdio>
#include <string>

namespace bronpoort {
namespace {

class FunctionEndpoint final : public Endpoint {
 public:
  explicit FunctionEndpoint(EndpointHandler h) : handler_(std::move(h)) {}
  void handle(RequestContext& ctx, Resume done) const override { handler_(ctx, std::move(done)); }

 private:
  EndpointHandler handler_;
};

void report_to_stderr(const char* where, const char* what) {
  // Plain ASCII only: the texts are exception messages, which name no secrets by our rules, but
  // quotes and control characters are dropped so the line stays one JSON object.
  auto clean = [](const char* s) {
    std::string out;
    for (; s && *s; ++s) {
      if (*s >= 0x20 && *s < 0x7f && *s != '"' && *s != '\\') out += *s;
    }
    return out;
  };
  std::fprintf(
      stderr,
      "{\"level\":\"error\",\"event\":\"completion-failed\",\"where\":\"%s\",\"error\":\"%s\"}\n",
      clean(where).c_str(), clean(what).c_str());
}

std::atomic<FailureReporter> g_reporter{&report_to_stderr};

}  // namespace

void set_failure_reporter(FailureReporter reporter) {
  g_reporter.store(reporter ? reporter : &report_to_stderr);
}

void report_failure(const char* where, const char* what) noexcept {
  try {
    g_reporter.load()(where, what);
  } catch (...) {
    // Reporting must never be what ends the process.
  }
}

namespace detail {

void fail_completion(RequestContext& ctx, const char* stage, const char* what,
                     const Resume& resume) noexcept {
  report_failure(stage, what);
  try {
    ctx.fail(make_problem(500, "internal-error", "The request could not be processed."));
    resume(Flow::Stop);
  } catch (const std::exception& e) {
    report_failure(stage, e.what());
  } catch (...) {
    report_failure(stage, "unknown exception");
  }
}

}  // namespace detail

std::shared_ptr<const Endpoint> make_endpoint(EndpointHandler handler) {
  return std::make_shared<FunctionEndpoint>(std::move(handler));
}

}  // namespace bronpoort
