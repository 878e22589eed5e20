#include "linkage_wiring.hpp"

#include <bronpoort/access/decision.hpp>
#include <bronpoort/access/stages.hpp>
#include <bronpoort/core/purpose_id.hpp>
#include <bronpoort/linkage/endpoints.hpp>
#include <bronpoort/pipeline/chain.hpp>
#include <bronpoort/pipeline/pipeline.hpp>
#include <bronpoort/pipeline/route_stage.hpp>
#include <bronpoort/sources/data_route.hpp>
#include <bronpoort/sources/fetch_stage.hpp>
#include <bronpoort/validate/validate_stage.hpp>

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

// The field check is the access checker's (access::check_linked_input).
linkage::InputGrantCheck grant_check(std::shared_ptr<access::AccessService> service) {
  return
      [service](const RequestContext& parent, const std::string& purpose,
                const linkage::Input& input, AccessDecision& decision) -> std::optional<Problem> {
        return access::check_linked_input(*service->snapshot(), parent.identity, purpose,
                                          input.dataset, input.resource, input.fetched_fields(),
                                          std::chrono::system_clock::now(), decision);
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

std::shared_ptr<const Pipeline> linkage_input_pipeline(const LinkageWiring& w) {
  ChainStages chain;
  chain.route =
      std::make_shared<RouteStage>(RouteTable{}, sources::make_data_route_resolver(w.registry));
  chain.access = access::make_access_stage(w.access->policy(), {}, /*via_linkage=*/true);
  chain.fetch = sources::make_fetch_stage(w.registry, w.sources);
  chain.validate = validate::make_validate_stage(w.record_schemas);
  chain.minimise = access::make_minimise_stage();
  chain.log = processing_log::make_log_stage(w.log, w.continuation);
  return std::make_shared<Pipeline>(linkage_input_chain(chain), nullptr);
}

std::vector<EndpointRoute> linkage_routes(const LinkageWiring& w,
                                          std::shared_ptr<const Pipeline> inputs) {
  linkage::LinkageEndpointOptions options;
  options.config = w.config;
  options.run_input = input_runner(std::move(inputs));
  options.check_grant = grant_check(w.access);
  options.ledger = w.ledger;
  return linkage::make_linkage_endpoints(std::move(options));
}

}  // namespace bronpoort::pipeline
