#include <bronpoort/observability/metrics.hpp>
#include <bronpoort/pipeline/operations.hpp>

#include <nlohmann/json.hpp>

namespace bronpoort::pipeline {
namespace {

class HealthEndpoint final : public Endpoint {
 public:
  void handle(RequestContext& ctx, Resume done) const override {
    ctx.response.headers.set("Content-Type", "application/json");
    ctx.response.body = R"({"status":"up"})";
    done(Flow::Continue);
  }
};

class ReadyEndpoint final : public Endpoint {
 public:
  explicit ReadyEndpoint(std::vector<ReadinessProbe> probes) : probes_(std::move(probes)) {}
  void handle(RequestContext& ctx, Resume done) const override {
    nlohmann::json checks = nlohmann::json::object();
    bool ready = true;
    for (const auto& probe : probes_) {
      auto failure = probe.check();
      checks[probe.name] = failure ? nlohmann::json{{"status", "down"}, {"reason", *failure}}
                                   : nlohmann::json{{"status", "up"}};
      if (probe.describe) checks[probe.name]["detail"] = probe.describe();
      ready = ready && !failure;
    }
    if (!ready) {
      auto p = make_problem(503, "not-ready", "A backend the gateway needs is not available.");
      for (const auto& [name, check] : checks.items()) {
        if (check["status"] == "down") {
          p.invalid_params.push_back({name, check["reason"].get<std::string>(), "backend-down"});
        }
      }
      ctx.fail(std::move(p));
      done(Flow::Stop);
      return;
    }
    ctx.response.headers.set("Content-Type", "application/json");
    ctx.response.body = nlohmann::json{{"status", "ready"}, {"checks", checks}}.dump();
    done(Flow::Continue);
  }

 private:
  std::vector<ReadinessProbe> probes_;
};

class MetricsEndpoint final : public Endpoint {
 public:
  explicit MetricsEndpoint(observability::Metrics& metrics) : metrics_(metrics) {}
  void handle(RequestContext& ctx, Resume done) const override {
    ctx.response.headers.set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
    ctx.response.body = metrics_.render();
    done(Flow::Continue);
  }

 private:
  observability::Metrics& metrics_;
};

}  // namespace

std::vector<EndpointRoute> operations_endpoints(observability::Metrics& metrics,
                                                std::vector<ReadinessProbe> probes) {
  return {
      {"GET", "/healthz", AuthRequirement::None, std::make_shared<HealthEndpoint>()},
      {"GET", "/readyz", AuthRequirement::None, std::make_shared<ReadyEndpoint>(std::move(probes))},
      {"GET", "/metrics", AuthRequirement::None, std::make_shared<MetricsEndpoint>(metrics)},
  };
}

}  // namespace bronpoort::pipeline
