#include "run.hpp"

#include <bronpoort/common/endpoint_kit.hpp>
#include <bronpoort/core/api_version.hpp>
#include <bronpoort/linkage/caller_filters.hpp>
#include <bronpoort/linkage/endpoints.hpp>
#include <bronpoort/schema/bundled.hpp>

#include <algorithm>
#include <atomic>

namespace bronpoort::linkage {
namespace {

constexpr const char* kPurposeHeader = "Processing-Purpose";

const LinkedQuery* find_or_refuse(const LinkageConfig& cfg, RequestContext& ctx, Resume& done) {
  const std::string& id = ctx.route.params["id"];
  if (const auto* q = cfg.find(id)) return q;
  common::refuse(ctx,
                 make_problem(404, "linked-query-not-found",
                              "No linked query with this id; GET /v1/linked-queries lists them."),
                 done);
  return nullptr;
}

std::optional<Problem> no_query_string(const RequestContext& ctx) {
  return common::unknown_query_params(
      ctx.request, {},
      make_problem(400, "unknown-parameter", "This endpoint takes no query parameters."));
}

const char* op_name(MeasureOp op) {
  switch (op) {
    case MeasureOp::CountSubjects:
      return "countSubjects";
    case MeasureOp::CountRows:
      return "countRows";
    case MeasureOp::Sum:
      return "sum";
    case MeasureOp::Avg:
      return "avg";
  }
  return "countSubjects";
}

// How many runs are in progress: each holds its inputs in memory until it answers.
class RunSlots : public std::enable_shared_from_this<RunSlots> {
 public:
  // A slot, or null when `most` runs are in progress; the slot is given back when released.
  std::shared_ptr<void> acquire(std::size_t most) {
    std::size_t now = running_.load();
    do {
      if (now >= most) return nullptr;
    } while (!running_.compare_exchange_weak(now, now + 1));
    auto self = shared_from_this();
    // Not null, so a slot tests true; the deleter only gives the place back.
    return std::shared_ptr<void>(self.get(), [self](void*) { self->running_.fetch_sub(1); });
  }

 private:
  std::atomic<std::size_t> running_{0};
};

void run_query(const std::shared_ptr<const LinkageEndpointOptions>& options, RunSlots& runs,
               RequestContext& ctx, Resume done) {
  const LinkedQuery* q = find_or_refuse(*options->config, ctx, done);
  if (!q) return;
  if (auto p = no_query_string(ctx)) return common::refuse(ctx, std::move(*p), done);
  // The purpose is checked first: a run under the wrong purpose is recorded as refused.
  ctx.decision.evaluated = true;
  const auto headers = ctx.request.headers.count(kPurposeHeader);
  if (headers != 1) {
    return common::refuse(ctx,
                          make_problem(400, headers == 0 ? "purpose-missing" : "purpose-ambiguous",
                                       "State the linked query's purpose '" + q->purpose +
                                           "' once, in the Processing-Purpose header."),
                          done);
  }
  if (*ctx.request.headers.find(kPurposeHeader) != q->purpose) {
    ctx.decision.code = "purpose-not-for-linked-query";
    return common::refuse(
        ctx,
        make_problem(403, "purpose-not-for-linked-query",
                     "Linked query '" + q->id + "' serves purpose '" + q->purpose +
                         "' only; state that purpose if it is yours."),
        done);
  }
  ctx.purpose_id = q->purpose;
  if (ctx.request.body.size() > options->max_request_body_bytes) {
    return common::refuse(
        ctx,
        make_problem(413, "body-too-large",
                     "The request body exceeds " + std::to_string(options->max_request_body_bytes) +
                         " bytes."),
        done);
  }
  auto body = nlohmann::json::parse(ctx.request.body, nullptr, false);
  if (body.is_discarded()) {
    return common::refuse(
        ctx, make_problem(400, "invalid-json", "The request body is not valid JSON."), done);
  }
  static const auto& schema = schema::bundled_schema("requests/linked-query-run.schema.json");
  if (auto p = schema::check_request_body(schema, body, "linked query run")) {
    return common::refuse(ctx, std::move(*p), done);
  }
  const bool rows = body["delivery"] == "rows";
  if ((rows && !q->rows) || (!rows && !q->aggregate)) {
    auto p = make_problem(400, "delivery-not-offered",
                          "Linked query '" + q->id + "' delivers " +
                              (q->rows ? "pseudonymised rows" : "aggregates") + " only.");
    p.invalid_params.push_back({"/delivery", "not offered by this linked query", "enum"});
    return common::refuse(ctx, std::move(p), done);
  }
  // Only the filters the linked query declares, and only equality: refused before anything is
  // fetched, since a range on an amount or a date, or the key, could leave one person.
  auto filters = source_filters(*q, body.value("filters", nlohmann::json::object()));
  if (filters.problem) return common::refuse(ctx, std::move(*filters.problem), done);
  auto slot = runs.acquire(options->config->max_concurrent_runs);
  if (!slot) {
    ctx.response.headers.set("Retry-After", "5");
    return common::refuse(
        ctx,
        make_problem(503, "linkage-busy",
                     "The trusted third party is running as many linked queries as it "
                     "may at once (" +
                         std::to_string(options->config->max_concurrent_runs) +
                         "); try again shortly."),
        done);
  }
  auto run =
      std::make_shared<Run>(options, *q, rows ? Delivery::Rows : Delivery::Aggregate,
                            std::move(filters.filters), ctx, std::move(done), std::move(slot));
  run->start();
}

}  // namespace

nlohmann::json describe(const LinkedQuery& q) {
  nlohmann::json inputs = nlohmann::json::array();
  for (const auto& in : q.inputs) {
    nlohmann::json fields = nlohmann::json::array();
    for (const auto& f : in.fields) fields.push_back({{"field", f.field}, {"column", f.column}});
    inputs.push_back({{"name", in.name},
                      {"dataset", in.dataset},
                      {"resource", in.resource},
                      {"keyType", in.key_type},
                      {"fields", fields}});
  }
  nlohmann::json derived = nlohmann::json::array();
  for (const auto& d : q.derived) {
    nlohmann::json item = {{"name", d.name}, {"from", d.from}};
    if (!d.age_bands.empty()) {
      item["ageBands"] = d.age_bands;
    } else {
      item["datePart"] = d.date_part;
    }
    derived.push_back(std::move(item));
  }
  nlohmann::json deliveries = nlohmann::json::object();
  if (q.aggregate) {
    nlohmann::json measures = nlohmann::json::array();
    for (const auto& m : q.aggregate->measures) {
      nlohmann::json item = {{"name", m.name}, {"op", op_name(m.op)}};
      if (!m.column.empty()) item["field"] = m.column;
      measures.push_back(std::move(item));
    }
    deliveries["aggregate"] = {{"groupBy", q.aggregate->group_by},
                               {"measures", measures},
                               {"minCellSize", q.aggregate->min_cell_size}};
  }
  if (q.rows) {
    deliveries["rows"] = {{"columns", q.rows->columns}, {"minCohort", q.rows->min_cohort}};
  }
  nlohmann::json filters = nlohmann::json::array();
  for (const auto& f : q.filters) {
    nlohmann::json item = {{"column", f.column}, {"op", "eq"}};
    if (!f.values.empty()) item["values"] = f.values;
    filters.push_back(std::move(item));
  }
  const std::string self = std::string(kApiMajorPath) + "/linked-queries/" + q.id;
  return {{"id", q.id},
          {"title", q.title},
          {"description", q.description},
          {"purpose", q.purpose},
          {"inputs", inputs},
          {"derived", derived},
          {"filters", filters},
          {"deliveries", deliveries},
          {"_links",
           {{"self", {{"href", self}}},
            {"results", {{"href", self + "/results"}}},
            {"purpose", {{"href", std::string(kApiMajorPath) + "/purposes/" + q.purpose}}}}}};
}

std::vector<EndpointRoute> make_linkage_endpoints(LinkageEndpointOptions options) {
  // The process's ledger outlives every configuration: forgetting releases on a reload would
  // let a recipient difference a new delivery against one the gateway no longer remembers.
  static const auto process_ledger = std::make_shared<ReleaseLedger>();
  if (!options.ledger) options.ledger = process_ledger;
  auto runs = std::make_shared<RunSlots>();
  auto opts = std::make_shared<const LinkageEndpointOptions>(std::move(options));
  std::vector<EndpointRoute> out;
  out.push_back({"GET", "/v1/linked-queries", AuthRequirement::None,
                 make_endpoint([opts](RequestContext& ctx, Resume done) {
                   if (auto p = no_query_string(ctx))
                     return common::refuse(ctx, std::move(*p), done);
                   nlohmann::json list = nlohmann::json::array();
                   for (const auto& q : opts->config->queries) list.push_back(describe(q));
                   common::respond(ctx, 200,
                                   {{"linkedQueries", list},
                                    {"_links", {{"self", {{"href", "/v1/linked-queries"}}}}}},
                                   done);
                 })});
  out.push_back({"GET", "/v1/linked-queries/{id}", AuthRequirement::None,
                 make_endpoint([opts](RequestContext& ctx, Resume done) {
                   if (auto p = no_query_string(ctx))
                     return common::refuse(ctx, std::move(*p), done);
                   if (const auto* q = find_or_refuse(*opts->config, ctx, done)) {
                     common::respond(ctx, 200, describe(*q), done);
                   }
                 })});
  out.push_back({"POST", "/v1/linked-queries/{id}/results", AuthRequirement::Required,
                 make_endpoint([opts, runs](RequestContext& ctx, Resume done) {
                   run_query(opts, *runs, ctx, std::move(done));
                 })});
  return out;
}

}  // namespace bronpoort::linkage
