#include <bronpoort/observability/metrics.hpp>

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <mutex>
#include <string_view>
#include <unordered_map>

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

  // Every request counts into one series of `requests` and one of `latency`. Family::Add
  // builds a map of labels and takes the family's lock for each call: about ten allocations per
  // request. The series are found here instead, by the labels' text without copying it; the
  // references Family::Add returned stay valid for the family's lifetime. As many entries as
  // series: route templates, the standard methods and status codes.
  struct RequestSeries {
    prometheus::Counter* count;
    prometheus::Histogram* latency;
  };
  struct SeriesKey {
    std::string_view route;
    std::string_view method;
    int status;
    bool operator==(const SeriesKey&) const = default;
  };
  struct StoredKey {
    std::string route;
    std::string method;
    int status;
    operator SeriesKey() const { return {route, method, status}; }
  };
  // Transparent: a StoredKey converts to a SeriesKey, so both are hashed and compared as views.
  struct KeyHash {
    using is_transparent = void;
    std::size_t operator()(const SeriesKey& k) const {
      const std::size_t h = std::hash<std::string_view>{}(k.route);
      return h ^
             (std::hash<std::string_view>{}(k.method) * 31 + static_cast<std::size_t>(k.status));
    }
  };
  struct KeyEqual {
    using is_transparent = void;
    bool operator()(const SeriesKey& a, const SeriesKey& b) const { return a == b; }
  };
  std::mutex series_mu;
  std::unordered_map<StoredKey, RequestSeries, KeyHash, KeyEqual> series;
};

namespace {
const prometheus::Histogram::BucketBoundaries kLatencyBuckets{
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

Metrics::Metrics() : impl_(std::make_unique<Impl>()) {}
Metrics::~Metrics() = default;

void Metrics::request_finished(const std::string& route, const std::string& method, int status,
                               std::chrono::steady_clock::duration latency) {
  const std::string_view route_label = route.empty() ? std::string_view("unmatched") : route;
  Impl::RequestSeries found;
  {
    std::lock_guard lock(impl_->series_mu);
    auto it = impl_->series.find(Impl::SeriesKey{route_label, method, status});
    if (it == impl_->series.end()) {
      std::string r(route_label);
      auto& count = impl_->requests.Add(
          {{"route", r}, {"method", method}, {"status", std::to_string(status)}});
      auto& histogram = impl_->latency.Add({{"route", r}}, kLatencyBuckets);
      it = impl_->series
               .emplace(Impl::StoredKey{r, method, status}, Impl::RequestSeries{&count, &histogram})
               .first;
    }
    found = it->second;
  }
  found.count->Increment();
  found.latency->Observe(std::chrono::duration<double>(latency).count());
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
