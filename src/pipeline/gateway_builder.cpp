#include <bronpoort/access/endpoints.hpp>
#include <bronpoort/access/grant_refresher.hpp>
#include <bronpoort/access/stages.hpp>
#include <bronpoort/authenticate/stage.hpp>
#include <bronpoort/catalog/endpoints.hpp>
#include <bronpoort/catalog/openapi.hpp>
#include <bronpoort/linkage/release_ledger.hpp>
#include <bronpoort/pipeline/address_rate.hpp>
#include <bronpoort/pipeline/catalog_input.hpp>
#include <bronpoort/pipeline/chain.hpp>
#include <bronpoort/pipeline/endpoint_stage.hpp>
#include <bronpoort/pipeline/gateway_builder.hpp>
#include <bronpoort/pipeline/organisation_limit_stage.hpp>
#include <bronpoort/pipeline/route_stage.hpp>
#include <bronpoort/processing_log/config.hpp>
#include <bronpoort/sources/data_route.hpp>
#include <bronpoort/sources/fetch_stage.hpp>
#include <bronpoort/sources/render_data_stage.hpp>
#include <bronpoort/validate/validate_stage.hpp>
#include "audit_hook.hpp"
#include "linkage_wiring.hpp"
#include "portal_wiring.hpp"
#include "stage_configs.hpp"

namespace bronpoort::pipeline {

GatewayServices::GatewayServices(const config::GatewayConfig& first)
    : io_(std::make_shared<net::IoThreads>(first.server.threads)),
      blocking_(std::make_shared<net::ThreadPoolExecutor>(first.server.blocking_threads)),
      limiter_(std::make_shared<OrganisationLimiter>()),
      unauthenticated_limiter_(
          std::make_shared<AddressRateLimiter>(first.server.limits.unauthenticated_per_second,
                                               first.server.limits.unauthenticated_burst)),
      sources_(std::make_shared<sources::SourceRuntime>(sources::RuntimeOptions{1, io_})),
      dataset_owners_(std::make_shared<const std::map<std::string, std::string>>()) {}

GatewayServices::~GatewayServices() {
  shutdown();
}

void GatewayServices::shutdown() {
  access_refresher_.request_stop();
  if (access_refresher_.joinable()) access_refresher_.join();
  blocking_->join();
}

void GatewayServices::set_dataset_owners(std::map<std::string, std::string> owners) {
  dataset_owners_.store(
      std::make_shared<const std::map<std::string, std::string>>(std::move(owners)));
}

std::optional<std::string> GatewayServices::dataset_owner(const std::string& dataset) const {
  auto owners = dataset_owners_.load();
  auto it = owners->find(dataset);
  if (it == owners->end()) return std::nullopt;
  return it->second;
}

std::unique_ptr<GatewayServices> GatewayServices::start(const config::GatewayConfig& first,
                                                        ConfigErrors& errors) {
  std::unique_ptr<GatewayServices> services(new GatewayServices(first));
  StageConfigs configs = load_stage_configs(first, errors);
  if (!errors.empty()) return nullptr;
  const std::string file = first.file.string();
  if (!first.processing_log.empty()) {
    auto loaded =
        processing_log::load_config(first.processing_log, first.store, first.base_dir, file);
    try {
      services->log_ = processing_log::ProcessingLog::start(
          std::get<processing_log::ProcessingLogConfig>(loaded));
    } catch (const std::exception& e) {
      errors.push_back(
          {file, "/store", std::string("cannot open the processing log store: ") + e.what()});
      return nullptr;
    }
  }
  if (configs.access) {
    if (!services->log_) {
      errors.push_back({file, "",
                        "the access section needs a processingLog section: every grant "
                        "change is audited"});
      return nullptr;
    }
    access::AccessServiceOptions options;
    options.grant_validity = configs.access->grant_validity;
    GatewayServices* self = services.get();
    options.dataset_owner = [self](const std::string& dataset) {
      return self->dataset_owner(dataset);
    };
    options.audit = audit_to_log(services->log_);
    try {
      services->access_ = access::AccessService::open(access::open_store(*configs.store),
                                                      configs.access->purposes, options);
    } catch (const std::exception& e) {
      errors.push_back({file, "/store", std::string("cannot open the grant store: ") + e.what()});
      return nullptr;
    }
    if (configs.store->kind == common::StoreConfig::Kind::Postgres) {
      // Several instances share one store: pick up grants and revocations made elsewhere.
      access::GrantRefresherOptions refresh;
      refresh.open_listener = [dsn = configs.store->postgres_dsn] {
        return access::open_postgres_change_listener(dsn);
      };
      services->access_refresher_ =
          access::start_grant_refresher(services->access_, std::move(refresh));
    }
    try {
      const auto& store = *configs.store;
      services->ledger_ = std::make_shared<linkage::ReleaseLedger>(
          store.kind == common::StoreConfig::Kind::Postgres
              ? linkage::open_postgres_ledger_store(store.postgres_dsn)
              : linkage::open_sqlite_ledger_store(store.sqlite_path));
    } catch (const std::exception& e) {
      errors.push_back(
          {file, "/store", std::string("cannot open the release ledger: ") + e.what()});
      return nullptr;
    }
  }
  return services;
}

namespace {

// The publication point goes last: its OpenAPI document describes every route added before it,
// and a /v1 route the document does not describe is an error, so the published API cannot drift
// from what the router serves.
void add_catalog_routes(RouteTable& table, ConfigErrors& errors, const config::GatewayConfig& cfg) {
  if (cfg.catalog.empty()) return;
  auto signatures = endpoint_signatures(table.routes());
  for (auto& s : catalog::endpoint_signatures()) signatures.push_back(std::move(s));
  auto load = load_catalog(cfg, signatures);
  if (!load.model) {
    errors.insert(errors.end(), load.errors.begin(), load.errors.end());
    return;
  }
  for (auto& route : catalog::endpoints(load.model)) {
    if (auto err = table.add(std::move(route))) errors.push_back({cfg.file.string(), "", *err});
  }
  const auto document = catalog::generate_openapi(*load.model);
  for (const auto& missing : catalog::undocumented_routes(document, signatures)) {
    errors.push_back({cfg.file.string(), "/catalog",
                      "route " + missing.method + " " + missing.path_template +
                          " is served but not described in the OpenAPI document"});
  }
}

// Endpoint routes from every stage, plus the operations endpoints.
// `linkage_inputs` receives the pipeline of linked queries' input calls, when there are any.
RouteTable build_routes(GatewayServices& services, const StageConfigs& configs,
                        ConfigErrors& errors, const config::GatewayConfig& cfg,
                        std::shared_ptr<const Pipeline>& linkage_inputs) {
  std::vector<ReadinessProbe> probes;
  probes.push_back({"config", [] { return std::optional<std::string>(); }});
  std::vector<EndpointRoute> routes;
  if (auto log = services.log()) {
    probes.push_back({"processing-log",
                      [log]() -> std::optional<std::string> {
                        if (log->healthy()) return std::nullopt;
                        return "the processing log store cannot be written";
                      },
                      [log] { return log->store().durability(); }});
    for (auto& r : processing_log::make_log_endpoints(log, services.blocking())) {
      routes.push_back(std::move(r));
    }
  }
  if (services.access() && configs.access) {
    for (auto& r : access::make_access_endpoints({services.access(), services.blocking_shared(),
                                                  configs.access->max_request_body_bytes})) {
      routes.push_back(std::move(r));
    }
  }
  if (configs.linkage && services.access() && services.log()) {
    LinkageWiring wiring{configs.linkage,      configs.registry,         configs.record_schemas,
                         services.sources(),   services.access(),        services.log(),
                         &services.blocking(), services.release_ledger()};
    linkage_inputs = linkage_input_pipeline(wiring);
    for (auto& r : linkage_routes(wiring, linkage_inputs)) routes.push_back(std::move(r));
  }
  for (auto& r : operations_endpoints(services.metrics(), std::move(probes))) {
    routes.push_back(std::move(r));
  }
  RouteTable table;
  for (auto& route : routes) {
    if (auto err = table.add(std::move(route))) errors.push_back({cfg.file.string(), "", *err});
  }
  add_catalog_routes(table, errors, cfg);
  return table;
}

}  // namespace

BuiltGateway build_gateway(const config::GatewayConfig& cfg, GatewayServices& services) {
  BuiltGateway built;
  StageConfigs configs = load_stage_configs(cfg, built.errors);
  if (!built.errors.empty()) return built;
  if (configs.access && !services.access()) {
    built.errors.push_back(
        {cfg.file.string(), "/access",
         "the access checker was not configured at start-up; restart to add it"});
    return built;
  }
  RouteTable routes = build_routes(services, configs, built.errors, cfg, built.linkage_inputs);
  if (!built.errors.empty()) return built;
  if (configs.access) services.access()->reload_purposes(configs.access->purposes);

  ChainStages chain;
  chain.authenticate = authenticate::make_stage(configs.identity);
  chain.organisation_limit = std::make_shared<OrganisationLimitStage>(
      services.limiter(), cfg.server.limits.max_requests_per_organisation);
  DataRouteResolver resolver;
  if (configs.registry) {
    services.sources()->prepare(*configs.registry);
    resolver = sources::make_data_route_resolver(configs.registry);
    std::map<std::string, std::string> owners;
    for (const auto& d : configs.registry->datasets)
      owners[d.id] = configs.registry->owner_oin(d.id);
    services.set_dataset_owners(std::move(owners));
  }
  // The portal's files and demo sign-in under /portal/ are routed before the API's router.
  chain.route = with_portal(cfg, configs.identity,
                            std::make_shared<RouteStage>(std::move(routes), std::move(resolver)),
                            built.errors);
  if (!built.errors.empty()) return built;
  chain.unauthenticated_rate = std::make_shared<UnauthenticatedRateStage>(
      services.unauthenticated_limiter(), &services.metrics());
  if (configs.registry) {
    // load_stage_configs refused sources without access and processing log.
    chain.access = access::make_access_stage(services.access()->policy());
    sources::OrderKeyFor order_key_for;
    if (auto log = services.log()) {
      order_key_for = [log](const std::string& scope) {
        return log->pseudonymiser().pseudonym("result-order", scope);
      };
    }
    chain.fetch =
        sources::make_fetch_stage(configs.registry, services.sources(), std::move(order_key_for));
    chain.validate = validate::make_validate_stage(configs.record_schemas);
    chain.minimise = access::make_minimise_stage();
    chain.render = sources::make_render_data_stage();
  }
  chain.endpoint = std::make_shared<EndpointStage>();
  // Resumes on the connection's thread (RequestContext::post_home); the pool serves callers
  // without one.
  if (services.log()) {
    chain.log_expect = processing_log::make_log_expect_stage(services.log());
    chain.log = processing_log::make_log_stage(services.log(), &services.blocking());
  }
  built.pipeline = std::make_shared<Pipeline>(outside_chain(chain), &services.metrics());
  return built;
}

std::vector<std::string> gateway_config_warnings(const config::GatewayConfig& cfg) {
  ConfigErrors ignored;
  auto identity =
      take(authenticate::load_config(cfg.identity, cfg.base_dir, cfg.file.string(), "/identity"),
           ignored);
  if (!identity) return {};
  bool loopback_only = true;
  for (const auto& l : cfg.server.listeners) {
    const bool loopback =
        l.address.rfind("127.", 0) == 0 || l.address == "::1" || l.address == "localhost";
    loopback_only = loopback_only && loopback;
  }
  return authenticate::identity_warnings(*identity, loopback_only);
}

ConfigErrors check_gateway_config(const config::GatewayConfig& cfg) {
  ConfigErrors errors;
  load_stage_configs(cfg, errors);
  // The catalog reads the same sources and purposes: with errors there, it would only repeat them.
  if (errors.empty() && !cfg.catalog.empty()) {
    auto catalog = load_catalog(cfg, catalog::endpoint_signatures());
    errors.insert(errors.end(), catalog.errors.begin(), catalog.errors.end());
  }
  if (errors.empty()) check_portal_config(cfg, errors);
  return errors;
}

}  // namespace bronpoort::pipeline
