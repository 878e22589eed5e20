#pragma once
// The composition root: the only place that knows every stage. It builds the immutable pipeline
// from a loaded config (again on every reload) on top of long-lived services that survive
// reloads (metrics, thread pools, connection pools, the processing-log writer).

#include <bronpoort/access/access_service.hpp>
#include <bronpoort/config/gateway_config.hpp>
#include <bronpoort/core/config_error.hpp>
#include <bronpoort/net/io_threads.hpp>
#include <bronpoort/net/thread_pool_executor.hpp>
#include <bronpoort/observability/metrics.hpp>
#include <bronpoort/pipeline/address_rate.hpp>
#include <bronpoort/pipeline/operations.hpp>
#include <bronpoort/pipeline/organisation_limit_stage.hpp>
#include <bronpoort/pipeline/pipeline.hpp>
#include <bronpoort/processing_log/processing_log.hpp>
#include <bronpoort/sources/runtime.hpp>

#include <atomic>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>

namespace bronpoort::linkage {
class ReleaseLedger;
}

namespace bronpoort::pipeline {

// Created once at start-up from the first valid config. Changing what these are built from
// (the processingLog and store sections, thread counts) needs a restart; a reload keeps them.
class GatewayServices {
 public:
  // Starts the services for `first`; on failure (e.g. the log store cannot be opened) returns
  // null and appends the reasons to `errors`.
  static std::unique_ptr<GatewayServices> start(const config::GatewayConfig& first,
                                                ConfigErrors& errors);
  ~GatewayServices();
  GatewayServices(const GatewayServices&) = delete;
  GatewayServices& operator=(const GatewayServices&) = delete;

  observability::Metrics& metrics() { return metrics_; }
  // The I/O threads the server and the HTTP upstream pools share (server.threads of `first`).
  net::IoThreads& io_threads() { return *io_; }
  BlockingExecutor& blocking() { return *blocking_; }
  std::shared_ptr<BlockingExecutor> blocking_shared() const { return blocking_; }
  const std::shared_ptr<OrganisationLimiter>& limiter() const { return limiter_; }
  const std::shared_ptr<AddressRateLimiter>& unauthenticated_limiter() const {
    return unauthenticated_limiter_;
  }
  // Null when the config has no processingLog section (then it may not register sources).
  const std::shared_ptr<processing_log::ProcessingLog>& log() const { return log_; }
  // Connection pools of the HTTP and PostgreSQL sources; pools survive reloads.
  const std::shared_ptr<sources::SourceRuntime>& sources() const { return sources_; }
  // Null when the config has no access section.
  const std::shared_ptr<access::AccessService>& access() const { return access_; }
  // What the trusted third party has delivered, kept in the store so a restart forgets nothing.
  const std::shared_ptr<linkage::ReleaseLedger>& release_ledger() const { return ledger_; }
  // Which organisation (OIN) holds a dataset, from the current source registry; updated by
  // build_gateway on every (re)load. Access approvals consult it.
  void set_dataset_owners(std::map<std::string, std::string> owners);
  std::optional<std::string> dataset_owner(const std::string& dataset) const;
  // Waits for queued blocking work and flushes what must be flushed; called on shutdown.
  void shutdown();

 private:
  observability::Metrics metrics_;
  // Before sources_: the upstream pools live on these threads' contexts.
  std::shared_ptr<net::IoThreads> io_;
  std::shared_ptr<net::ThreadPoolExecutor> blocking_;
  std::shared_ptr<OrganisationLimiter> limiter_;
  std::shared_ptr<AddressRateLimiter> unauthenticated_limiter_;
  std::shared_ptr<processing_log::ProcessingLog> log_;
  std::shared_ptr<access::AccessService> access_;
  std::shared_ptr<linkage::ReleaseLedger> ledger_;
  std::shared_ptr<sources::SourceRuntime> sources_;
  std::atomic<std::shared_ptr<const std::map<std::string, std::string>>> dataset_owners_;
  // Re-reads grants other gateway instances changed in a shared store.
  std::jthread access_refresher_;

  explicit GatewayServices(const config::GatewayConfig& first);
};

struct BuiltGateway {
  std::shared_ptr<const Pipeline> pipeline;  // null when `errors` is not empty
  // The pipeline of linked queries' input calls; null without a linkage section.
  std::shared_ptr<const Pipeline> linkage_inputs;
  ConfigErrors errors;
};

// Checks every section of `cfg` with the loader of the stage that owns it and builds the pipeline.
// All problems are collected, so check-config lists them in one run.
BuiltGateway build_gateway(const config::GatewayConfig& cfg, GatewayServices& services);

// Checks a config without starting services: what `bronpoort check-config` runs.
// What a valid config should not do in production (demo keys reachable beyond loopback,
// unbound token issuers). Printed by check-config and logged at start.
std::vector<std::string> gateway_config_warnings(const config::GatewayConfig& cfg);

ConfigErrors check_gateway_config(const config::GatewayConfig& cfg);

}  // namespace bronpoort::pipeline
