#pragma once
// Operator endpoints: health, readiness and metrics.

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

}  // namespace bronpoort::pipeline
