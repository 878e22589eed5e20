#include "stage_configs.hpp"

#include <bronpoort/access/purpose_register.hpp>
#include <bronpoort/processing_log/config.hpp>
#include "linkage_wiring.hpp"

namespace bronpoort::pipeline {
namespace {

// The record schemas the validate stage checks: those of resources whose connector does
// not already check every record. The HTTP connector validates each upstream record against the
// same compiled schema as it parses it; PostgreSQL rows are checked by the stage. The registry
// compiled every schema once at load.
std::shared_ptr<const validate::ResourceSchemas> record_schemas_to_check(
    const sources::Registry& registry) {
  auto out = std::make_shared<validate::ResourceSchemas>();
  for (const auto& dataset : registry.datasets) {
    for (const auto& resource : dataset.resources) {
      if (resource.connector.kind == sources::ConnectorConfig::Kind::Http) continue;
      (*out)[dataset.id + "/" + resource.id] = {resource.compiled_schema,
                                                resource.projection_schema};
    }
  }
  return out;
}

}  // namespace

StageConfigs load_stage_configs(const config::GatewayConfig& cfg, ConfigErrors& errors) {
  StageConfigs s;
  s.identity =
      take(authenticate::load_config(cfg.identity, cfg.base_dir, cfg.file.string(), "/identity"),
           errors);
  // The store section is read once: by the processing log's loader when there is a processing log
  // (checked here for check-config; the running log is built once by GatewayServices::start),
  // and the grant store and the release ledger use what it read.
  if (!cfg.processing_log.empty()) {
    auto log = take(processing_log::load_config(cfg.processing_log, cfg.store, cfg.base_dir,
                                                cfg.file.string(), processing_log::KeyUse::Write),
                    errors);
    if (!cfg.store.empty()) s.store = log.store;
  } else if (!cfg.store.empty()) {
    s.store = common::read_store_config(cfg.store, cfg.base_dir, cfg.file.string(), errors);
  }
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
  return s;
}

}  // namespace bronpoort::pipeline
