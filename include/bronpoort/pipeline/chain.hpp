#pragma once
// The order of the stages, written once. The order is a security property: nothing is fetched
// before role, purpose and grant are checked, nothing leaves unvalidated or unminimised, and the
// processing log runs last, after refusals too, so every outcome has its record before the
// response is released. gateway_builder.cpp and linkage_wiring.cpp build the stages; this file
// alone says in which order they run. tests/unit/pipeline/chain_test.cpp pins both orders.

#include <bronpoort/core/stage.hpp>

#include <memory>
#include <vector>

namespace bronpoort::pipeline {

// The stages one config has. A null entry is a stage the config does not have: without sources
// there are no data stages (access, fetch, validate, minimise, render), without a processing log
// no log stage.
struct ChainStages {
  // First: announces the request to the log writer (processing_log::make_log_expect_stage).
  std::shared_ptr<const Stage> log_expect;
  std::shared_ptr<const Stage> authenticate;
  std::shared_ptr<const Stage> organisation_limit;
  std::shared_ptr<const Stage> route;
  std::shared_ptr<const Stage> unauthenticated_rate;
  std::shared_ptr<const Stage> access;
  std::shared_ptr<const Stage> fetch;
  std::shared_ptr<const Stage> validate;
  std::shared_ptr<const Stage> minimise;
  std::shared_ptr<const Stage> render;
  std::shared_ptr<const Stage> endpoint;
  std::shared_ptr<const Stage> log;
};

// The pipeline of every request from outside. Throws std::invalid_argument when a stage the order
// depends on is missing (a fetch without access, validate, minimise and log; no route or endpoint
// stage): a wiring error, found when the gateway is built, never on the data path.
std::vector<std::shared_ptr<const Stage>> outside_chain(const ChainStages& stages);

// The pipeline of a linked query's input calls: the outside chain's data stages, without
// authentication (the run's caller is authenticated), the organisation limit (the run holds a
// slot), rendering (the trusted third party reads the records) and endpoints. Every entry from
// route to log is required.
std::vector<std::shared_ptr<const Stage>> linkage_input_chain(const ChainStages& stages);

}  // namespace bronpoort::pipeline
