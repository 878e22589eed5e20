#pragma once
// Operator endpoints and the per-organisation concurrency limit.

#include <bronpoort/core/route.hpp>
#include <bronpoort/core/stage.hpp>

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace bronpoort::observability {
class Metrics;
}

namespace bronpoort::pipeline {

// A backend the gateway needs: returns nullopt when ready, or why not (no secrets in the text).
struct ReadinessProbe {
  std::string name;
  std::function<std::optional<std::string>()> check;
  // Optional: what /readyz states about this backend when it is up (never a secret).
  std::function<std::string()> describe;
};

// GET /healthz (process up), GET /readyz (config loaded, every probe ready), GET /metrics.
std::vector<EndpointRoute> operations_endpoints(observability::Metrics& metrics,
                                                std::vector<ReadinessProbe> probes);

// Counts in-flight requests per calling organisation. Long-lived: it outlives config reloads, so
// requests admitted under the old config still count.
class OrganisationLimiter : public std::enable_shared_from_this<OrganisationLimiter> {
 public:
  // Takes a slot for `organisation`, or nullptr when it already has `limit` requests in flight.
  // The slot is released when the returned handle is destroyed.
  std::shared_ptr<void> acquire(const std::string& organisation, std::size_t limit);

 private:
  void release(const std::string& organisation);
  std::mutex mu_;
  std::map<std::string, std::size_t> in_flight_;
};

// Refuses with 429 when the caller's organisation is over its concurrency limit.
class OrganisationLimitStage final : public SyncStage {
 public:
  OrganisationLimitStage(std::shared_ptr<OrganisationLimiter> limiter, std::size_t limit)
      : limiter_(std::move(limiter)), limit_(limit) {}
  const char* name() const override { return "organisation-limit"; }
  Flow process(RequestContext& ctx) const override;

 private:
  std::shared_ptr<OrganisationLimiter> limiter_;
  std::size_t limit_;
};

}  // namespace bronpoort::pipeline
