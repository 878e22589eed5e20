#pragma once
// Connects the trusted third party to the rest of the gateway: its config checked against the
// source registry and the purpose register, its input fetches run as data requests through the
// gateway's own stages, and its grant checks answered by the access checker.

#include <bronpoort/access/access_config.hpp>
#include <bronpoort/access/access_service.hpp>
#include <bronpoort/config/gateway_config.hpp>
#include <bronpoort/core/route.hpp>
#include <bronpoort/linkage/linked_query.hpp>
#include <bronpoort/linkage/release_ledger.hpp>
#include <bronpoort/pipeline/pipeline.hpp>
#include <bronpoort/processing_log/processing_log.hpp>
#include <bronpoort/sources/registry.hpp>
#include <bronpoort/sources/runtime.hpp>
#include <bronpoort/validate/validate_stage.hpp>

#include <memory>
#include <vector>

namespace bronpoort::pipeline {

// Loads the linkage section (when present) against `registry` and `purposes`.
std::shared_ptr<const linkage::LinkageConfig> load_linkage(
    const config::GatewayConfig& cfg, const std::shared_ptr<const sources::Registry>& registry,
    const access::AccessConfig& access, ConfigErrors& errors);

struct LinkageWiring {
  std::shared_ptr<const linkage::LinkageConfig> config;
  std::shared_ptr<const sources::Registry> registry;
  std::shared_ptr<const validate::ResourceSchemas> record_schemas;
  std::shared_ptr<sources::SourceRuntime> sources;
  std::shared_ptr<access::AccessService> access;
  std::shared_ptr<processing_log::ProcessingLog> log;
  BlockingExecutor* continuation = nullptr;
  // Durable; the process's in-memory ledger when null.
  std::shared_ptr<linkage::ReleaseLedger> ledger;
};

// The pipeline the linked queries' input fetches run through (pipeline/chain.hpp's linkage input
// chain): route, access (as the trusted third party), fetch, validate, minimise and log.
std::shared_ptr<const Pipeline> linkage_input_pipeline(const LinkageWiring& wiring);

// The linked-query endpoints, with their input fetches running through `inputs`.
std::vector<EndpointRoute> linkage_routes(const LinkageWiring& wiring,
                                          std::shared_ptr<const Pipeline> inputs);

}  // namespace bronpoort::pipeline
