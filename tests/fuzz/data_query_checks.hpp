#pragma once
// Shared by the two data-query targets (query_string_fuzz, search_body_fuzz): the demo registry,
// and what must hold for whatever parse_data_query returns. A parsed query is also handed to what
// runs next on the request path (the upstream request or the SQL, paging links), so a value the
// parser lets through but the next step cannot carry is found here rather than in production.

#include "http_connector.hpp"  // src/sources: upstream_request_for, internal to the library

#include <bronpoort/sources/query_parser.hpp>
#include <bronpoort/sources/registry.hpp>
#include <bronpoort/sources/sql_builder.hpp>

#include <cstdlib>
#include <string>
#include <vector>

namespace bronpoort::fuzz {

// Every resource of the committed demo registrations (config/sources), loaded once.
struct DemoResources {
  std::shared_ptr<const sources::Registry> registry;
  std::vector<const sources::Resource*> resources;

  DemoResources() {
    // The debt-assistance DSN comes from the environment; any value does for parsing.
    ::setenv("BRONPOORT_DEBT_PG_DSN", "host=127.0.0.1 port=1 dbname=none", 0);
    auto load = sources::load_registry(nlohmann::json::object(),
                                       std::string(BRONPOORT_SOURCE_DIR) + "/config");
    if (!load.ok()) std::abort();
    registry = load.registry;
    for (const auto& d : registry->datasets) {
      for (const auto& r : d.resources) resources.push_back(&r);
    }
    if (resources.empty()) std::abort();
  }

  const sources::Resource& pick(std::uint8_t selector) const {
    return *resources[selector % resources.size()];
  }
};

inline const DemoResources& demo_resources() {
  static const DemoResources demo;
  return demo;
}

// A refusal is a 400 with a code, and renders as problem+json that parses back.
inline void check_problem(const Problem& p) {
  if (p.status != 400 || p.code.empty()) std::abort();
  const auto rendered = nlohmann::json::parse(p.to_json("/fuzz", "trace"), nullptr, false);
  if (rendered.is_discarded()) std::abort();
}

// What parse_data_query promises the connectors: only fields, operators and values the resource's
// schema allows, paging within bounds. Then the query goes where a real one goes next.
inline void check_query(const sources::Resource& res, const DataQuery& q, bool from_uri) {
  for (const auto& f : q.filters) {
    const sources::Field* field = res.field(f.field);
    if (field == nullptr || !field->filterable) std::abort();
    if (from_uri && res.sensitive_in_uri(*field)) std::abort();
    if (f.values.empty() || (f.op != FilterOp::In && f.values.size() != 1)) std::abort();
    for (const auto& v : f.values) {
      std::string reason;
      if (!sources::value_fits(*field, v, reason)) std::abort();
    }
  }
  for (const auto& s : q.sort) {
    const sources::Field* field = res.field(s.field);
    if (field == nullptr || !field->sortable) std::abort();
  }
  for (const auto& name : q.fields) {
    if (res.field(name) == nullptr) std::abort();
  }
  if (q.page < 1 || q.page_size < 1 || q.page_size > res.max_page_size) std::abort();

  sources::FetchRequest request;
  request.registry = demo_resources().registry;
  request.resource = &res;
  request.query = q;
  request.fields = q.fields;
  request.traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
  if (res.connector.kind == sources::ConnectorConfig::Kind::Http) {
    try {
      auto up = sources::upstream_request_for(request);
      if (up.method.empty()) std::abort();
    } catch (const nlohmann::json::type_error& e) {
      // Finding F1 (docs/fuzzing.md): a filter value that is not UTF-8 makes the upstream body's
      // dump() throw. Long runs set BRONPOORT_FUZZ_MASK_F1=1 so the fuzzer explores past it;
      // without it the target stops on it, as it should until the parser refuses such values.
      if (e.id != 316 || std::getenv("BRONPOORT_FUZZ_MASK_F1") == nullptr) throw;
    }
  } else {
    auto plan = sources::build_sql(res, q, q.fields);
    if (!plan.ok()) std::abort();  // the parser lets through only what the SQL builder knows
  }
}

}  // namespace bronpoort::fuzz
