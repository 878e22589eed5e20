#pragma once
// Builds the publication point's model from the stages that own the facts: the source registry
// (datasets, fields, relations, owners) and the purpose register (which purposes cover which
// resource, with what legal basis). The catalog library knows neither; this is where they meet.

#include <bronpoort/access/purpose.hpp>
#include <bronpoort/catalog/catalog_model.hpp>
#include <bronpoort/config/gateway_config.hpp>
#include <bronpoort/core/config_error.hpp>
#include <bronpoort/core/route.hpp>
#include <bronpoort/sources/registry.hpp>

#include <memory>
#include <optional>
#include <vector>

namespace bronpoort::pipeline {

// `purposes` may be null (no purpose register configured): resources then list no purposes.
// `endpoints` are the gateway's own routes as the router serves them.
catalog::CatalogModel catalog_model_from(const sources::Registry& registry,
                                         const std::vector<access::Purpose>* purposes,
                                         std::vector<catalog::EndpointSignature> endpoints,
                                         catalog::CatalogConfig publisher);

std::vector<catalog::EndpointSignature> endpoint_signatures(
    const std::vector<EndpointRoute>& routes);

struct CatalogLoad {
  std::shared_ptr<const catalog::CatalogModel> model;  // null when `errors` is not empty
  ConfigErrors errors;
};

// Loads what the catalog needs from a gateway config (sources, access purposes when configured,
// the catalog section) and checks the model. `endpoints` as for catalog_model_from.
CatalogLoad load_catalog(const config::GatewayConfig& cfg,
                         std::vector<catalog::EndpointSignature> endpoints);

// `bronpoort openapi [--config FILE]`: prints the OpenAPI document the
// gateway would serve for this config. By default it describes every fixed endpoint this version
// of the gateway offers; exit 1 with the config errors on stderr when the config is invalid.
int run_openapi_command(int argc, char** argv);

}  // namespace bronpoort::pipeline
