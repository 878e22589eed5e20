#include <bronpoort/observability/metrics.hpp>

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <mutex>

namespace bronpoort::observability {

struct Metrics::Impl {
  std::shared_ptr<prometheus::Registry> registry = std::make_shared<prometheus::Registry>();
  prometheus::Family<prometheus::Counter>& requests =
      prometheus::BuildCounter()
          .Name("bronpoort_http_requests_total")
          .Help("HTTP requests by route template, method and status")
          .Register(*registry);
  prometheus::Family<prometheus::Histogram>& latency =
      prometheus::BuildHistogram()
          .Name("bronpoort_http_request_duration_seconds")
          .Help("Time from request parsed to response ready, by route template")
          .Register(*registry);
  prometheus::Gauge& in_flight = prometheus::BuildGauge()
                                     .Name("bronpoort_http_requests_in_flight")
                                     .Help("Requests being processed")
                                     .Register(*registry)
                                     .Add({});
  prometheus::Gauge& connections = prometheus::BuildGauge()
                                       .Name("bronpoort_http_connections_open")
                                       .Help("Open client connections")
                                       .Register(*registry)
                                       .Add({});
  prometheus::Family<prometheus::Counter>& refused_connections =
      prometheus::BuildCounter()
          .Name("bronpoort_http_connections_refused_total")
          .Help("Connections closed at once, by reason (per-address cap, capacity)")
          .Register(*registry);
  prometheus::Counter& evicted = prometheus::BuildCounter()
                                     .Name("bronpoort_http_connections_evicted_total")
                                     .Help("Idle keep-alive connections closed to admit new ones")
                                     .Register(*registry)
                                     .Add({});
  prometheus::Family<prometheus::Counter>& unauthenticated =
      prometheus::BuildCounter()
          .Name("bronpoort_unauthenticated_refusals_total")
          .Help("Requests refused before authentication; limited: over the address's rate")
          .Register(*registry);
  prometheus::Family<prometheus::Counter>& reloads = prometheus::BuildCounter()
                                                         .Name("bronpoort_config_reloads_total")
                                                         .Help("Configuration reloads by result")
                                                         .Register(*registry);

  // Family::Add takes a lock of its own; this mutex only guards our lookup of the returned
  // references, which prometheus-cpp keeps stable for the family's lifetime.
  std::mutex mu;
};

namespace {
const prometheus::Histogram::BucketBoundaries kLatencyBuckets{
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

Metrics::Metrics() : impl_(std::make_unique<Impl>()) {}
Metrics::~Metrics() = default;

void Metrics::request_finished(const std::string& route, const std::string& method, int status,
                               std::chrono::steady_clock::duration latency) {
  const std::string route_label = route.empty() ? "unmatched" : route;
  impl_->requests
      .Add({{"route", route_label}, {"method", method}, {"status", std::to_string(status)}})
      .Increment();
  impl_->latency.Add({{"route", route_label}}, kLatencyBuckets)
      .Observe(std::chrono::duration<double>(latency).count());
}

void Metrics::request_started() {
  impl_->in_flight.Increment();
}
void Metrics::request_ended() {
  impl_->in_flight.Decrement();
}
void Metrics::connection_opened() {
  impl_->connections.Increment();
}
void Metrics::connection_closed() {
  impl_->connections.Decrement();
}
void Metrics::connection_refused(const std::string& reason) {
  impl_->refused_connections.Add({{"reason", reason}}).Increment();
}
void Metrics::connection_evicted() {
  impl_->evicted.Increment();
}
void Metrics::unauthenticated_refused(bool limited) {
  impl_->unauthenticated.Add({{"limited", limited ? "true" : "false"}}).Increment();
}
void Metrics::config_reloaded(bool ok) {
  impl_->reloads.Add({{"result", ok ? "ok" : "rejected"}}).Increment();
}

prometheus::Registry& Metrics::registry() {
  return *impl_->registry;
}

std::string Metrics::render() const {
  prometheus::TextSerializer serializer;
  return serializer.Serialize(impl_->registry->Collect());
}

}  // namespace bronpoort::observability
