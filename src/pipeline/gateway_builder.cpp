#include <bronpoort/authenticate/config.hpp>
#include <bronpoort/authenticate/stage.hpp>
#include <bronpoort/pipeline/gateway_builder.hpp>
#include <bronpoort/pipeline/router.hpp>
#include <bronpoort/processing_log/config.hpp>
#include <bronpoort/processing_log/log_store.hpp>

namespace bronpoort::pipeline {

GatewayServices::GatewayServices(const config::GatewayConfig& first)
    : blocking_(std::make_shared<net::ThreadPoolExecutor>(first.server.blocking_threads)),
      limiter_(std::make_shared<OrganisationLimiter>()) {}

GatewayServices::~GatewayServices() {
  shutdown();
}

void GatewayServices::shutdown() {
  blocking_->join();
}

namespace {

// Every stage's typed config, loaded by the stage's own loader. Loading has no side effects, so
// check-config runs exactly this.
struct StageConfigs {
  std::shared_ptr<const authenticate::IdentityConfig> identity;
  bool has_processing_log = false;
};

template <class T>
T take(std::variant<T, ConfigErrors> loaded, ConfigErrors& errors) {
  if (auto* e = std::get_if<ConfigErrors>(&loaded)) {
    errors.insert(errors.end(), e->begin(), e->end());
    return T{};
  }
  return std::get<T>(std::move(loaded));
}

StageConfigs load_stage_configs(const config::GatewayConfig& cfg, ConfigErrors& errors) {
  StageConfigs s;
  s.identity =
      take(authenticate::load_config(cfg.identity, cfg.base_dir, cfg.file.string(), "/identity"),
           errors);
  return s;
}

// Endpoint routes from every stage, plus the operations endpoints.
RouteTable build_routes(GatewayServices& services, ConfigErrors& errors,
                        const config::GatewayConfig& cfg) {
  RouteTable table;
  std::vector<ReadinessProbe> probes;
  probes.push_back({"config", [] { return std::optional<std::string>(); }});
  std::vector<EndpointRoute> routes;
  if (auto log = services.log()) {
    probes.push_back({"processing-log", [log]() -> std::optional<std::string> {
                        if (log->healthy()) return std::nullopt;
                        return "the processing log store cannot be written";
                      }});
    for (auto& r : processing_log::make_log_endpoints(log, services.blocking())) {
      routes.push_back(std::move(r));
    }
  }
  for (auto& r : operations_endpoints(services.metrics(), std::move(probes))) {
    routes.push_back(std::move(r));
  }
  for (auto& route : routes) {
    if (auto err = table.add(std::move(route))) errors.push_back({cfg.file.string(), "", *err});
  }
  return table;
}

}  // namespace

BuiltGateway build_gateway(const config::GatewayConfig& cfg, GatewayServices& services) {
  BuiltGateway built;
  StageConfigs stage_configs = load_stage_configs(cfg, built.errors);
  RouteTable routes = build_routes(services, built.errors, cfg);
  if (!built.errors.empty()) return built;

  std::vector<std::shared_ptr<const Stage>> stages;
  stages.push_back(authenticate::make_stage(stage_configs.identity));
  stages.push_back(std::make_shared<OrganisationLimitStage>(
      services.limiter(), cfg.server.limits.max_requests_per_organisation));
  stages.push_back(std::make_shared<RouteStage>(std::move(routes), DataRouteResolver{}));
  stages.push_back(std::make_shared<EndpointStage>());
  if (services.log()) stages.push_back(processing_log::make_log_stage(services.log(), &services.blocking()));
  built.pipeline = std::make_shared<Pipeline>(std::move(stages), &services.metrics());
  return built;
}

ConfigErrors check_gateway_config(const config::GatewayConfig& cfg) {
  ConfigErrors errors;
  load_stage_configs(cfg, errors);
  return errors;
}

}  // namespace bronpoort::pipeline
