#pragma once
// Refusals before authentication, per client address. A request without a valid token is answered
// 401 and counted in metrics; it leaves no durable processing record (it processed nobody's data,
// and an anonymous client must not be able to fill the append-only log or its writer's queue). An
// address that keeps sending such requests past its rate gets 429 instead, and those refusals are
// not written to the access log line by line either, only counted.

#include <bronpoort/core/stage.hpp>

#include <chrono>
#include <mutex>
#include <string>
#include <unordered_map>

namespace bronpoort::observability {
class Metrics;
}

namespace bronpoort::pipeline {

// A token bucket per address. Long-lived: it outlives config reloads.
class AddressRateLimiter {
 public:
  AddressRateLimiter(double per_second, double burst) : per_second_(per_second), burst_(burst) {}
  // Takes one token for `address`; false when its bucket is empty.
  bool take(const std::string& address, std::chrono::steady_clock::time_point now);

 private:
  struct Bucket {
    double tokens;
    std::chrono::steady_clock::time_point last;
  };
  void prune(std::chrono::steady_clock::time_point now);

  const double per_second_;
  const double burst_;
  std::mutex mu_;
  std::unordered_map<std::string, Bucket> buckets_;
};

// Runs after routing, on refusals too: a 401 takes a token from its address's bucket; over the
// rate the answer becomes 429 too-many-unauthenticated-requests and the request is kept out of the
// access log.
class UnauthenticatedRateStage final : public SyncStage {
 public:
  UnauthenticatedRateStage(std::shared_ptr<AddressRateLimiter> limiter,
                           observability::Metrics* metrics)
      : limiter_(std::move(limiter)), metrics_(metrics) {}
  const char* name() const override { return "unauthenticated-rate"; }
  bool runs_after_refusal() const override { return true; }
  Flow process(RequestContext& ctx) const override;

 private:
  std::shared_ptr<AddressRateLimiter> limiter_;
  observability::Metrics* metrics_;
};

}  // namespace bronpoort::pipeline
