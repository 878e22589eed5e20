#include <bronpoort/pipeline/chain.hpp>
#include <bronpoort/pipeline/pipeline.hpp>

#include <stdexcept>
#include <string>

namespace bronpoort::pipeline {
namespace {

void require(const std::shared_ptr<const Stage>& stage, const char* what, const char* chain) {
  if (!stage) {
    throw std::invalid_argument(std::string(chain) + " needs a " + what + " stage");
  }
}

// Every stage between a data request and its release, and its record.
void require_data_stages(const ChainStages& s, const char* chain, bool render) {
  require(s.access, "access", chain);
  require(s.fetch, "fetch", chain);
  require(s.validate, "validate", chain);
  require(s.minimise, "minimise", chain);
  if (render) require(s.render, "render-data", chain);
  require(s.log, "log", chain);
}

}  // namespace

std::vector<std::shared_ptr<const Stage>> outside_chain(const ChainStages& s) {
  const char* chain = "the outside chain";
  require(s.route, "route", chain);
  require(s.endpoint, "endpoint", chain);
  const bool data = s.access || s.fetch || s.validate || s.minimise || s.render;
  // Data without role, purpose and grant, unvalidated or unminimised, or without its record:
  // none of these may ever be wired.
  if (data) require_data_stages(s, chain, /*render=*/true);
  std::vector<std::shared_ptr<const Stage>> out;
  auto add = [&](const std::shared_ptr<const Stage>& stage) {
    if (stage) out.push_back(stage);
  };
  auto add_data = [&](const std::shared_ptr<const Stage>& stage) {
    if (stage) out.push_back(only_for(RouteKind::Data, stage));
  };
  // The log writer may wait for this request's records before a commit (GroupCommitWriter).
  add(s.log_expect);
  // Who is calling, from the token alone; an invalid token is refused here, a missing one only
  // where the route needs it (below).
  add(s.authenticate);
  // Before any work is done for the caller's organisation, so one organisation cannot occupy the
  // whole gateway.
  add(s.organisation_limit);
  // What the request is for; the one place that refuses a route needing a token without one.
  // Runs after an authentication refusal too, so the log can name the dataset of the attempt.
  add(s.route);
  // Right after routing, where every "no valid token" refusal is known: anonymous refusals are
  // rate limited per address and kept out of the access log past the rate.
  add(s.unauthenticated_rate);
  // Role, purpose and grant, before a single byte is asked of a source.
  add_data(s.access);
  // Only what access allowed is fetched, from the connection's own thread where possible.
  add_data(s.fetch);
  // What the source answered must match its published schema before it is shaped or released.
  add_data(s.validate);
  // Fields the grant does not cover are removed from valid records only.
  add_data(s.minimise);
  // The body is rendered from the minimised result.
  add_data(s.render);
  // The gateway's own endpoints (they do their own checks and write their own audit records).
  add(s.endpoint);
  // Last, after refusals too: the record is durable before any response is released.
  add(s.log);
  return out;
}

std::vector<std::shared_ptr<const Stage>> linkage_input_chain(const ChainStages& s) {
  const char* chain = "the linkage input chain";
  require(s.route, "route", chain);
  require_data_stages(s, chain, /*render=*/false);
  // The same order as the outside chain's data stages, for the same reasons.
  return {s.route, s.access, s.fetch, s.validate, s.minimise, s.log};
}

}  // namespace bronpoort::pipeline
