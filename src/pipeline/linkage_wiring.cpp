#include "linkage_wiring.hpp"

#include <bronpoort/access/decision.hpp>
#include <bronpoort/access/stages.hpp>
#include <bronpoort/core/purpose_id.hpp>
#include <bronpoort/linkage/endpoints.hpp>
#include <bronpoort/pipeline/pipeline.hpp>
#include <bronpoort/pipeline/router.hpp>
#include <bronpoort/schema/response_validation.hpp>
#include <bronpoort/sources/data_route.hpp>
#include <bronpoort/sources/fetch_stage.hpp>

#include <algorithm>

namespace bronpoort::pipeline {
namespace {

linkage::ResourceLookup resource_facts(std::shared_ptr<const sources::Registry> registry) {
  return [registry](const std::string& dataset,
                    const std::string& resource) -> std::optional<linkage::ResourceFacts> {
    const auto* d = registry->dataset(dataset);
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
}

// A child span of the run for each input call, so the log ties every fetch to the delivery.
TraceContext child_of(const TraceContext& parent) {
  TraceContext t;
  t.trace_id = parent.trace_id;
  t.parent_span_id = parent.span_id;
  t.span_id = TraceContext::new_span_id();
  t.flags = parent.flags;
  return t;
}

linkage::InputRunner input_runner(std::shared_ptr<const Pipeline> inputs) {
  return [inputs](const RequestContext& parent, const linkage::InputCall& call,
                  std::function<void(linkage::InputAnswer)> done) {
    auto sub = std::make_shared<RequestContext>();
    sub->request.method = "POST";
    sub->request.path =
        "/v1/datasets/" + call.input->dataset + "/" + call.input->resource + "/search";
    sub->request.target = sub->request.path;
    sub->request.body = call.search_body.dump();
    sub->request.headers.set("Content-Type", "application/json");
    sub->request.headers.set(kPurposeHeader, parent.purpose_id);
    sub->request.tls = parent.request.tls;
    sub->request.client_certificate = parent.request.client_certificate;
    sub->identity = parent.identity;
    sub->trace = child_of(parent.trace);
    inputs->run(sub, [sub, done = std::move(done)] {
      linkage::InputAnswer answer;
      answer.decision = sub->decision;
      if (sub->problem) {
        answer.problem = std::move(*sub->problem);
      } else if (sub->result.body.is_array()) {
        answer.records.reserve(sub->result.body.size());
        for (auto& r : sub->result.body) answer.records.push_back(std::move(r));
        answer.has_next = sub->result.has_next;
      }
      done(std::move(answer));
    });
  };
}

linkage::InputGrantCheck grant_check(std::shared_ptr<access::AccessService> service) {
  return
      [service](const RequestContext& parent, const std::string& purpose,
                const linkage::Input& input, AccessDecision& decision) -> std::optional<Problem> {
        const auto wanted = input.fetched_fields();
        auto snapshot = service->snapshot();
        auto check = access::check_grant(*snapshot, parent.identity, parent.identity.roles, purpose,
                                         input.dataset, input.resource, wanted,
                                         std::chrono::system_clock::now());
        if (check.problem) return std::move(check.problem);
        std::vector<std::string> missing;
        for (const auto& f : wanted) {
          if (std::find(check.fields.begin(), check.fields.end(), f) == check.fields.end()) {
            missing.push_back(f);
          }
        }
        if (!missing.empty()) {
          std::string list;
          for (const auto& f : missing) list += (list.empty() ? "" : ", ") + f;
          auto body = access::access_request_template(*check.purpose, check.role, input.dataset,
                                                      input.resource, wanted);
          return make_problem(403, "field-not-granted",
                              "The grant does not cover field(s) " + list +
                                  " that the linked query needs. File an access request: POST "
                                  "/v1/access-requests with " +
                                  body.dump());
        }
        decision.legal_basis = check.purpose->legal_basis.citation;
        decision.processing_activity = check.purpose->processing_activity;
        decision.role = check.role;
        decision.grant_id = check.grant_id;
        return std::nullopt;
      };
}

}  // namespace

std::shared_ptr<const linkage::LinkageConfig> load_linkage(
    const config::GatewayConfig& cfg, const std::shared_ptr<const sources::Registry>& registry,
    const access::AccessConfig& access, ConfigErrors& errors) {
  if (cfg.linkage.empty() || !registry) return nullptr;
  auto purposes = access.purposes;
  auto loaded = linkage::load_linkage_config(
      cfg.linkage, cfg.base_dir, cfg.file.string(), resource_facts(registry),
      [purposes](const std::string& id) -> std::optional<linkage::PurposeFacts> {
        for (const auto& p : *purposes) {
          if (p.id == id) return linkage::PurposeFacts{p.scope == PurposeScope::Dataset};
        }
        return std::nullopt;
      });
  if (auto* e = std::get_if<ConfigErrors>(&loaded)) {
    errors.insert(errors.end(), e->begin(), e->end());
    return nullptr;
  }
  return std::get<std::shared_ptr<const linkage::LinkageConfig>>(loaded);
}

std::vector<EndpointRoute> linkage_routes(const LinkageWiring& w) {
  // The input pipeline: the same stages as a data request from outside, minus authentication
  // (the run's caller is authenticated) and the organisation limit (the run holds a slot).
  std::vector<std::shared_ptr<const Stage>> stages;
  stages.push_back(
      std::make_shared<RouteStage>(RouteTable{}, sources::make_data_route_resolver(w.registry)));
  stages.push_back(access::make_access_stage(w.access->policy(), {}, /*via_linkage=*/true));
  stages.push_back(sources::make_fetch_stage(w.registry, w.sources));
  stages.push_back(schema::make_response_validation_stage(w.record_schemas));
  stages.push_back(access::make_minimise_stage());
  stages.push_back(processing_log::make_log_stage(w.log, w.continuation));
  std::shared_ptr<const Pipeline> inputs = std::make_shared<Pipeline>(std::move(stages), nullptr);

  linkage::LinkageEndpointOptions options;
  options.config = w.config;
  options.run_input = input_runner(std::move(inputs));
  options.check_grant = grant_check(w.access);
  options.ledger = w.ledger;
  return linkage::make_linkage_endpoints(std::move(options));
}

}  // namespace bronpoort::pipeline
