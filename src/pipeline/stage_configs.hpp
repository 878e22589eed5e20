#pragma once
// Every stage's typed config, loaded by the stage's own loader from one gateway config. Loading has
// no side effects, so check-config runs exactly this, and start-up and every reload run it too.

#include <bronpoort/access/access_config.hpp>
#include <bronpoort/access/access_store.hpp>
#include <bronpoort/authenticate/config.hpp>
#include <bronpoort/config/gateway_config.hpp>
#include <bronpoort/core/config_error.hpp>
#include <bronpoort/core/result.hpp>
#include <bronpoort/linkage/linked_query.hpp>
#include <bronpoort/sources/registry.hpp>
#include <bronpoort/validate/validate_stage.hpp>

#include <memory>
#include <optional>
#include <variant>

namespace bronpoort::pipeline {

// The value of a loader's answer; on errors, appends them to `errors` and returns T{}.
template <class T>
T take(Result<T, ConfigErrors> loaded, ConfigErrors& errors) {
  if (auto* e = std::get_if<ConfigErrors>(&loaded)) {
    errors.insert(errors.end(), e->begin(), e->end());
    return T{};
  }
  return std::get<T>(std::move(loaded));
}

struct StageConfigs {
  std::shared_ptr<const authenticate::IdentityConfig> identity;
  std::optional<access::AccessConfig> access;
  std::optional<common::StoreConfig> store;
  std::shared_ptr<const sources::Registry> registry;
  std::shared_ptr<const validate::ResourceSchemas> record_schemas;
  std::shared_ptr<const linkage::LinkageConfig> linkage;
};

// Loads every section of `cfg`; collects all problems in `errors`.
StageConfigs load_stage_configs(const config::GatewayConfig& cfg, ConfigErrors& errors);

}  // namespace bronpoort::pipeline
