#include <bronpoort/access/access_config.hpp>
#include <bronpoort/access/endpoints.hpp>
#include <bronpoort/access/purpose_register.hpp>
#include <bronpoort/access/stages.hpp>
#include <bronpoort/authenticate/config.hpp>
#include <bronpoort/authenticate/stage.hpp>
#include <bronpoort/catalog/endpoints.hpp>
#include <bronpoort/catalog/openapi.hpp>
#include <bronpoort/linkage/release_ledger.hpp>
#include <bronpoort/observability/logging.hpp>
#include <bronpoort/pipeline/address_rate.hpp>
#include <bronpoort/pipeline/catalog_input.hpp>
#include <bronpoort/pipeline/gateway_builder.hpp>
#include <bronpoort/pipeline/router.hpp>
#include <bronpoort/processing_log/config.hpp>
#include <bronpoort/schema/response_validation.hpp>
#include <bronpoort/sources/data_route.hpp>
#include <bronpoort/sources/fetch_stage.hpp>
#include "grant_refresher.hpp"
#include "linkage_wiring.hpp"
#include "portal_wiring.hpp"

#include <future>

namespace bronpoort::pipeline {
namespace {

template <class T>
T take(std::variant<T, ConfigErrors> loaded, ConfigErrors& errors) {
  if (auto* e = std::get_if<ConfigErrors>(&loaded)) {
    errors.insert(errors.end(), e->begin(), e->end());
    return T{};
  }
  return std::get<T>(std::move(loaded));
}

// Every stage's typed config, loaded by the stage's own loader. Loading has no side effects, so
// check-config runs exactly this.
struct StageConfigs {
  std::shared_ptr<const authenticate::IdentityConfig> identity;
  std::optional<access::AccessConfig> access;
  std::optional<access::StoreConfig> store;
  std::shared_ptr<const sources::Registry> registry;
  std::shared_ptr<const schema::ResourceSchemas> record_schemas;
  std::shared_ptr<const linkage::LinkageConfig> linkage;
};

// The record schemas the response-validation stage checks: those of resources whose connector does
// not already check every record. The HTTP connector validates each upstream record against the
// same compiled schema as it parses it; PostgreSQL rows are checked by the stage. The registry
// compiled every schema once at load.
std::shared_ptr<const schema::ResourceSchemas> record_schemas_to_check(
    const sources::Registry& registry) {
  auto out = std::make_shared<schema::ResourceSchemas>();
  for (const auto& dataset : registry.datasets) {
    for (const auto& resource : dataset.resources) {
      if (resource.connector.kind == sources::ConnectorConfig::Kind::Http) continue;
      (*out)[dataset.id + "/" + resource.id] = {resource.compiled_schema,
                                                resource.projection_schema};
    }
  }
  return out;
}

StageConfigs load_stage_configs(const config::GatewayConfig& cfg, ConfigErrors& errors) {
  StageConfigs s;
  s.identity =
      take(authenticate::load_config(cfg.identity, cfg.base_dir, cfg.file.string(), "/identity"),
           errors);
  if (!cfg.store.empty()) s.store = take(access::load_store_config(cfg.store, cfg.file), errors);
  if (!cfg.access.empty()) {
    s.access = take(access::load_access_config(cfg.access, cfg.file), errors);
    if (cfg.store.empty()) {
      errors.push_back(
          {cfg.file.string(), "", "the access section needs a store section for grants"});
    }
  }
  if (!cfg.sources.empty()) {
    auto loaded = sources::load_registry(cfg.sources, cfg.base_dir.string());
    errors.insert(errors.end(), loaded.errors.begin(), loaded.errors.end());
    s.registry = loaded.registry;
    if (s.registry) s.record_schemas = record_schemas_to_check(*s.registry);
    // No data without role, purpose and grant, and none without its processing record.
    if (cfg.access.empty()) {
      errors.push_back({cfg.file.string(), "", "registered sources need an access section"});
    }
    if (cfg.processing_log.empty()) {
      errors.push_back({cfg.file.string(), "", "registered sources need a processingLog section"});
    }
  }
  if (s.registry && s.access) {
    auto registry = s.registry;
    auto coverage = access::check_coverage(
        *s.access->purposes,
        [registry](const std::string& dataset,
                   const std::string& resource) -> std::optional<std::vector<std::string>> {
          const auto* d = registry->dataset(dataset);
          const auto* r = d ? d->resource(resource) : nullptr;
          if (!r) return std::nullopt;
          std::vector<std::string> names;
          for (const auto& f : r->fields) names.push_back(f.name);
          return names;
        });
    errors.insert(errors.end(), coverage.begin(), coverage.end());
    if (coverage.empty()) s.linkage = load_linkage(cfg, s.registry, *s.access, errors);
  }
  if (!cfg.processing_log.empty()) {
    // Checked here for check-config; the running log is built once by GatewayServices::start.
    take(processing_log::load_config(cfg.processing_log, cfg.store, cfg.base_dir, cfg.file.string(),
                                     processing_log::KeyUse::Write),
         errors);
  }
  return s;
}

// Renders a data answer once every stage has shaped it (minimisation removes fields after the
// fetch): the record, or the page with its links, and the RFC 8288 Link header.
class DataResponseStage final : public SyncStage {
 public:
  const char* name() const override { return "render-data"; }
  Flow process(RequestContext& ctx) const override {
    if (!ctx.result.fetched) return Flow::Continue;
    ctx.response.body = sources::data_response_body(ctx).dump(
        -1, ' ', false, nlohmann::json::error_handler_t::replace);
    ctx.response.headers.set("Content-Type", "application/json");
    if (auto link = sources::paging_link_header(ctx); !link.empty()) {
      ctx.response.headers.set("Link", link);
    }
    return Flow::Continue;
  }
};

// Grant and access-request changes become audit records in the processing log, durable before
// the change is applied.
access::AuditHook audit_to_log(std::shared_ptr<processing_log::ProcessingLog> log) {
  return [log](const access::AuditEvent& e) {
    RequestContext ctx;
    ctx.trace = make_trace_context(std::nullopt);
    if (e.trace_id.size() == 32) ctx.trace.trace_id = e.trace_id;
    ctx.identity.authenticated = true;
    ctx.identity.subject = e.actor_subject;
    ctx.identity.organisation = e.actor_organisation;
    processing_log::AuditEvent event;
    event.event = e.type;
    event.details = e.details;
    event.details["objectId"] = e.object_id;
    if (e.details.is_object()) {
      event.purpose = e.details.value("purpose", "");
      event.dataset = e.details.value("dataset", "");
      if (auto f = e.details.find("fields"); f != e.details.end() && f->is_array()) {
        for (const auto& v : *f) {
          if (v.is_string()) event.fields.push_back(v.get<std::string>());
        }
      }
    }
    // The access service applies a change only once its record is durable, and calls this on
    // the blocking pool, so it waits here for the writer's answer (bounded by its commit timeout).
    auto durable = std::make_shared<std::promise<bool>>();
    auto answer = durable->get_future();
    log->append_audit_event(ctx, event, [durable](const processing_log::AppendResult& r) {
      durable->set_value(r.durable);
    });
    if (answer.get()) return access::AuditOutcome::Durable;
    observability::log_event(observability::Level::Error, "audit-record-failed",
                             {{"event", e.type}});
    return access::AuditOutcome::Failed;
  };
}

}  // namespace

GatewayServices::GatewayServices(const config::GatewayConfig& first)
    : blocking_(std::make_shared<net::ThreadPoolExecutor>(first.server.blocking_threads)),
      limiter_(std::make_shared<OrganisationLimiter>()),
      unauthenticated_limiter_(
          std::make_shared<AddressRateLimiter>(first.server.limits.unauthenticated_per_second,
                                               first.server.limits.unauthenticated_burst)),
      sources_(std::make_shared<sources::SourceRuntime>()),
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
    if (configs.store->kind == access::StoreConfig::Kind::Postgres) {
      // Several instances share one store: pick up grants and revocations made elsewhere.
      GrantRefresherOptions refresh;
      refresh.open_listener = [dsn = configs.store->dsn] {
        return access::open_postgres_change_listener(dsn);
      };
      services->access_refresher_ = start_grant_refresher(services->access_, std::move(refresh));
    }
    try {
      const auto& store = *configs.store;
      services->ledger_ = std::make_shared<linkage::ReleaseLedger>(
          store.kind == access::StoreConfig::Kind::Postgres
              ? linkage::open_postgres_ledger_store(store.dsn)
              : linkage::open_sqlite_ledger_store(store.path));
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
RouteTable build_routes(GatewayServices& services, const StageConfigs& configs,
                        ConfigErrors& errors, const config::GatewayConfig& cfg) {
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
    for (auto& r : linkage_routes(wiring)) routes.push_back(std::move(r));
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
  RouteTable routes = build_routes(services, configs, built.errors, cfg);
  if (!built.errors.empty()) return built;
  if (configs.access) services.access()->reload_purposes(configs.access->purposes);

  std::vector<std::shared_ptr<const Stage>> stages;
  stages.push_back(authenticate::make_stage(configs.identity));
  stages.push_back(std::make_shared<OrganisationLimitStage>(
      services.limiter(), cfg.server.limits.max_requests_per_organisation));
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
  stages.push_back(with_portal(cfg, configs.identity,
                               std::make_shared<RouteStage>(std::move(routes), std::move(resolver)),
                               built.errors));
  if (!built.errors.empty()) return built;
  // Right after routing, which is where every "no valid token" refusal is known.
  stages.push_back(std::make_shared<UnauthenticatedRateStage>(services.unauthenticated_limiter(),
                                                              &services.metrics()));
  if (configs.registry) {
    // load_stage_configs refused sources without access and processing log, so data routes
    // always pass the access check here and the log stage below.
    auto data = [&](std::shared_ptr<const Stage> s) {
      stages.push_back(only_for(RouteKind::Data, std::move(s)));
    };
    data(access::make_access_stage(services.access()->policy()));
    sources::OrderKeyFor order_key_for;
    if (auto log = services.log()) {
      order_key_for = [log](const std::string& scope) {
        return log->pseudonymiser().pseudonym("result-order", scope);
      };
    }
    data(sources::make_fetch_stage(configs.registry, services.sources(), std::move(order_key_for)));
    data(schema::make_response_validation_stage(configs.record_schemas));
    data(access::make_minimise_stage());
    data(std::make_shared<DataResponseStage>());
  }
  stages.push_back(std::make_shared<EndpointStage>());
  if (services.log()) {
    // Resumes on the blocking pool: measured no faster on the log's completion thread, and the
    // pool spreads rendering and access logging over its threads.
    stages.push_back(processing_log::make_log_stage(services.log(), &services.blocking()));
  }
  built.pipeline = std::make_shared<Pipeline>(std::move(stages), &services.metrics());
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
