// The body of POST /v1/linked-queries/{id}/results, through the endpoint itself
// (src/linkage/endpoints.cpp): body limit, JSON parse, the run schema, the filter check, and a
// whole run (src/linkage/run.cpp, linking.cpp) over the demo linked query
// (config/linked-queries/schuldhulp-per-leeftijdsgroep.json). The inputs are answered from memory,
// but each input call's search body is first read by the real search parser against the demo
// resource, as the pipeline's input runner would (src/pipeline/linkage_wiring.cpp), so filters
// the caller smuggles through a linked query meet the same checks as a direct search.
//
// Input: the body. Any outcome is fine except a crash, a sanitizer report, an exception, `done`
// not called exactly once, a refusal without a code, or a 200 whose body is not JSON.

#include <bronpoort/core/stage.hpp>
#include <bronpoort/linkage/endpoints.hpp>
#include <bronpoort/sources/query_parser.hpp>
#include <bronpoort/sources/registry.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <string>

namespace {

using namespace bronpoort;
using nlohmann::json;

constexpr const char* kQueryId = "schuldhulp-per-leeftijdsgroep";
constexpr const char* kPurpose = "schuldhulp-monitor";

// 24 people in two municipalities, each with one debt case; a few of another age.
std::vector<json> world_records(const std::string& input) {
  std::vector<json> out;
  for (int i = 0; i < 24; ++i) {
    const std::string bsn = std::to_string(100000000 + i);
    const std::string town = i < 20 ? "Demostad" : "Elders";
    if (input == "cases") {
      out.push_back({{"bsn", bsn},
                     {"municipality", town},
                     {"openedDate", i % 2 ? "2025-02-01" : "2024-07-15"},
                     {"status", i % 3 ? "open" : "closed"},
                     {"debtAmount", 1000 + 250 * i}});
    } else {
      out.push_back({{"bsn", bsn},
                     {"birthDate", i < 12 ? "1990-01-01" : "1960-06-30"},
                     {"municipality", town}});
    }
  }
  return out;
}

bool matches(const json& record, const DataQuery& q) {
  for (const auto& f : q.filters) {
    if (f.op != FilterOp::Eq && f.op != FilterOp::In) continue;  // others: not narrowed here
    const auto it = record.find(f.field);
    if (it == record.end()) return false;
    if (std::find(f.values.begin(), f.values.end(), *it) == f.values.end()) return false;
  }
  return true;
}

struct Setup {
  std::shared_ptr<const sources::Registry> registry;
  std::vector<EndpointRoute> routes;
  const Endpoint* run_endpoint = nullptr;

  Setup() {
    ::setenv("BRONPOORT_DEBT_PG_DSN", "host=127.0.0.1 port=1 dbname=none", 0);
    const std::string config_dir = std::string(BRONPOORT_SOURCE_DIR) + "/config";
    auto load = sources::load_registry(json::object(), config_dir);
    if (!load.ok()) std::abort();
    registry = load.registry;

    // The same facts the pipeline gives the loader (src/pipeline/linkage_wiring.cpp).
    auto reg = registry;
    linkage::ResourceLookup resources =
        [reg](const std::string& dataset,
              const std::string& resource) -> std::optional<linkage::ResourceFacts> {
      const auto* d = reg->dataset(dataset);
      const auto* r = d ? d->resource(resource) : nullptr;
      if (!r) return std::nullopt;
      linkage::ResourceFacts facts;
      for (const auto& f : r->fields) {
        facts.fields.push_back(
            {f.name, f.type == sources::FieldType::Integer || f.type == sources::FieldType::Number,
             f.is_date, r->sensitive_in_uri(f)});
      }
      if (r->subject) {
        facts.subject_field = r->subject->field;
        facts.subject_type = r->subject->type;
      }
      facts.max_page_size = r->max_page_size;
      return facts;
    };
    linkage::PurposeLookup purposes =
        [](const std::string& id) -> std::optional<linkage::PurposeFacts> {
      if (id == kPurpose) return linkage::PurposeFacts{true};
      return std::nullopt;
    };
    std::ifstream in(config_dir + "/linked-queries/" + kQueryId + ".json");
    const json doc = json::parse(in, nullptr, false);
    ConfigErrors errors;
    auto query = linkage::read_linked_query(doc, "fuzz.json", resources, purposes, errors);
    if (!query || !errors.empty()) std::abort();

    auto cfg = std::make_shared<linkage::LinkageConfig>();
    cfg->queries = {*query};
    cfg->pseudonym_key = std::string(40, 'k');
    cfg->max_input_records = 1000;
    cfg->max_rows = 1000;
    linkage::LinkageEndpointOptions o;
    o.config = cfg;
    o.max_request_body_bytes = 64 * 1024;
    o.run_input = [reg](const RequestContext&, const linkage::InputCall& call,
                        std::function<void(linkage::InputAnswer)> done) {
      linkage::InputAnswer answer;
      const auto* resource = reg->dataset(call.input->dataset)->resource(call.input->resource);
      HttpRequest req;
      req.method = "POST";
      req.body = call.search_body.dump();
      auto parsed = sources::parse_data_query(*resource, req, DataOperation::Search);
      if (auto* p = std::get_if<Problem>(&parsed)) {
        answer.problem = std::move(*p);
        return done(std::move(answer));
      }
      const auto& q = std::get<DataQuery>(parsed);
      std::vector<json> matching;
      for (auto& r : world_records(call.input->name)) {
        if (matches(r, q)) matching.push_back(std::move(r));
      }
      const std::size_t from = static_cast<std::size_t>(q.page - 1) * q.page_size;
      for (std::size_t i = from; i < matching.size() && i < from + q.page_size; ++i) {
        answer.records.push_back(matching[i]);
      }
      answer.has_next = from + q.page_size < matching.size();
      answer.decision.evaluated = true;
      answer.decision.allowed = true;
      answer.decision.grant_id = "grant-" + call.input->name;
      answer.decision.fields_granted = call.input->fetched_fields();
      done(std::move(answer));
    };
    o.check_grant = [](const RequestContext&, const std::string&, const linkage::Input&,
                       AccessDecision& d) -> std::optional<Problem> {
      d.legal_basis = "Wgs art. 3";
      d.role = "analyst";
      return std::nullopt;
    };
    o.clock = [] {
      return std::chrono::sys_days{std::chrono::year{2026} / 11 / 23} + std::chrono::hours(12);
    };
    o.monotonic = [] { return std::chrono::steady_clock::time_point{}; };
    routes = linkage::make_linkage_endpoints(std::move(o));
    for (const auto& r : routes) {
      if (r.method == "POST") run_endpoint = r.endpoint.get();
    }
    if (run_endpoint == nullptr) std::abort();
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const Setup setup;
  RequestContext ctx;
  ctx.request.method = "POST";
  ctx.request.body.assign(reinterpret_cast<const char*>(data), size);
  ctx.request.headers.add("Processing-Purpose", kPurpose);
  ctx.identity.authenticated = true;
  ctx.identity.organisation = "00000001001234567000";
  ctx.identity.roles = {"analyst"};
  ctx.route.params["id"] = kQueryId;
  int calls = 0;
  Flow flow = Flow::Stop;
  setup.run_endpoint->handle(ctx, [&](Flow f) {
    ++calls;
    flow = f;
  });
  // The inputs answer inline, so the run has answered by now.
  if (calls != 1) std::abort();
  if (flow == Flow::Stop) {
    if (!ctx.problem || ctx.problem->code.empty()) std::abort();
    if (json::parse(ctx.problem->to_json("/fuzz", "trace"), nullptr, false).is_discarded()) {
      std::abort();
    }
  } else if (ctx.response.status != 200 ||
             json::parse(ctx.response.body, nullptr, false).is_discarded()) {
    std::abort();
  }
  return 0;
}
