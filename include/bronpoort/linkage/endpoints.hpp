#pragma once
// The trusted third party's endpoints:
//   GET  /v1/linked-queries                 the linked queries on offer (public)
//   GET  /v1/linked-queries/{id}            one of them (public)
//   POST /v1/linked-queries/{id}/results    runs it for the caller: body
//                                           {"delivery": "aggregate"|"rows", "filters":
//                                            {"<declared column>": {"eq": "value"}, ...}}
//                                           with the linked query's purpose in Processing-Purpose
//
// A run checks the caller's grant on every input before anything is fetched, fetches the first
// input (within the caller's filters) page by page and each later input only for the keys found
// so far, links, and delivers. Every input fetch is an ordinary data request through the
// gateway's own stages (access with the trusted third party's scope, fetch, response validation,
// minimisation, processing log), so each is checked and logged per data subject; the delivery is
// logged by the request's own audit record before it is released.
//
// The library knows nothing of sources, access or the log: the pipeline passes the two functions
// below.

#include <bronpoort/core/access_decision.hpp>
#include <bronpoort/core/route.hpp>
#include <bronpoort/core/stage.hpp>
#include <bronpoort/linkage/linked_query.hpp>
#include <bronpoort/linkage/release_ledger.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

namespace bronpoort::linkage {

// One call to an input: a search body (filters, fields, sort, page, pageSize) for its resource.
struct InputCall {
  const Input* input = nullptr;
  nlohmann::json search_body;
};

struct InputAnswer {
  std::optional<Problem> problem;
  std::vector<nlohmann::json> records;  // minimised to the granted fields
  bool has_next = false;
  AccessDecision decision;
};

// Runs one input call as a data request on behalf of `parent`'s caller; `done` exactly once.
using InputRunner = std::function<void(const RequestContext& parent, const InputCall& call,
                                       std::function<void(InputAnswer)> done)>;

// Would the caller of `parent`, stating `purpose`, get `fields` of the input's resource through
// the trusted third party? Fills `decision` (purpose, legal basis, role, grant) when so; returns
// the refusal (403 with what to ask for) otherwise.
using InputGrantCheck =
    std::function<std::optional<Problem>(const RequestContext& parent, const std::string& purpose,
                                         const Input& input, AccessDecision& decision)>;

struct LinkageEndpointOptions {
  std::shared_ptr<const LinkageConfig> config;
  InputRunner run_input;
  InputGrantCheck check_grant;
  std::size_t max_request_body_bytes = 64 * 1024;
  // What each recipient has received of the aggregates; one for the whole process when empty, so
  // a configuration reload does not forget earlier releases.
  std::shared_ptr<ReleaseLedger> ledger;
  // The reference date of age bands; the system clock when empty.
  std::function<std::chrono::system_clock::time_point()> clock;
  // Measures a run against max_run; the steady clock when empty.
  std::function<std::chrono::steady_clock::time_point()> monotonic;
};

std::vector<EndpointRoute> make_linkage_endpoints(LinkageEndpointOptions options);

// The public description of a linked query (also what GET /v1/linked-queries lists).
nlohmann::json describe(const LinkedQuery& query);

}  // namespace bronpoort::linkage
