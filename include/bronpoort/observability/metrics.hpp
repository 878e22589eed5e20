#pragma once
// The gateway's Prometheus metrics. One registry per process; stages add their own series
// through `registry()`. Recording a request takes one short lock to find its series (no
// allocation once the series exists); the counts themselves are prometheus-cpp atomics.

#include <chrono>
#include <memory>
#include <string>

namespace prometheus {
class Registry;
}

namespace bronpoort::observability {

class Metrics {
 public:
  Metrics();
  ~Metrics();
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  // Records one finished request under its route template (never the raw path, which may carry
  // identifiers) and status.
  void request_finished(const std::string& route, const std::string& method, int status,
                        std::chrono::steady_clock::duration latency);
  void request_started();
  void request_ended();
  void connection_opened();
  void connection_closed();
  // A new connection closed at once: "per-address" cap, "capacity" (no idle one to make room).
  void connection_refused(const std::string& reason);
  // An idle keep-alive connection closed to make room for a new one.
  void connection_evicted();
  // A request refused before authentication (401); `limited` when its address was over its rate
  // and the refusal was not written to the access log either.
  void unauthenticated_refused(bool limited);
  void config_reloaded(bool ok);

  prometheus::Registry& registry();
  // Prometheus text exposition format of every series.
  std::string render() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace bronpoort::observability
