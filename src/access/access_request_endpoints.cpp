// Access requests and grants over HTTP. Changes run on the blocking executor; lists answer from
// the service's memory.
#include <bronpoort/access/endpoints.hpp>

#include "body_reader.hpp"
#include "endpoint_support.hpp"

namespace bronpoort::access {

using namespace http;

namespace {

Problem not_for_citizens() {
  return make_problem(403, "citizen-not-allowed",
                      "Access requests and grants are handled by organisations; citizens see "
                      "their own processing records instead.");
}

Problem request_not_found() {
  return make_problem(404, "access-request-not-found", "No such access request.");
}

}  // namespace

void add_request_endpoints(const AccessEndpointOptions& options, std::vector<EndpointRoute>& out) {
  auto service = options.service;
  auto executor = options.executor;
  const auto max_body = options.max_request_body_bytes;
  auto to_json = [](const AccessRequest& r) { return access_request_to_json(r); };

  out.push_back(
      {"POST", "/v1/access-requests", AuthRequirement::Required,
       endpoint([=](RequestContext& ctx, Resume done) {
         if (is_citizen(ctx.identity)) return common::refuse(ctx, not_for_citizens(), done);
         auto body = read_body(ctx, max_body, false);
         if (!body) return done(Flow::Stop);
         auto parsed = read_access_request(*body);
         if (auto* p = std::get_if<Problem>(&parsed)) return common::refuse(ctx, *p, done);
         off_io(executor, ctx, std::move(done),
                [service, in = std::get<NewAccessRequest>(parsed)](RequestContext& c, Resume& d) {
                  auto result = service->file_request(c.identity, in, c.trace.trace_id);
                  if (auto* r = std::get_if<AccessRequest>(&result)) {
                    c.response.headers.set("Location", "/v1/access-requests/" + r->id);
                  }
                  answer(c, std::move(result), 201, access_request_to_json, d);
                });
       })});

  out.push_back(
      {"GET", "/v1/access-requests", AuthRequirement::Required,
       endpoint([=](RequestContext& ctx, Resume done) {
         if (is_citizen(ctx.identity)) return common::refuse(ctx, not_for_citizens(), done);
         if (auto p = common::unknown_query_params(ctx.request, {"state", "page", "pageSize"})) {
           return common::refuse(ctx, *p, done);
         }
         auto page = read_page(ctx);
         if (auto* p = std::get_if<Problem>(&page)) return common::refuse(ctx, *p, done);
         std::optional<RequestState> state;
         if (auto s = ctx.request.query_param("state")) {
           state = parse_request_state(std::string(*s));
           if (!state) {
             auto p = make_problem(400, "invalid-parameter", "Unknown state.");
             p.invalid_params.push_back(
                 {"state", "must be pending, approved or rejected", "invalid-value"});
             return common::refuse(ctx, p, done);
           }
         }
         auto list = nlohmann::json::array();
         for (const auto& r : service->visible_requests(ctx.identity, state)) {
           list.push_back(access_request_to_json(r));
         }
         respond_page(ctx, "accessRequests", list, std::get<PageRequest>(page), done);
       })});

  out.push_back({"GET", "/v1/access-requests/{id}", AuthRequirement::Required,
                 endpoint([=](RequestContext& ctx, Resume done) {
                   auto id = id_param(ctx, "id");
                   auto r = id ? service->visible_request(ctx.identity, *id) : std::nullopt;
                   if (!r) return common::refuse(ctx, request_not_found(), done);
                   common::respond(ctx, 200, access_request_to_json(*r), done);
                 })});

  for (bool approve : {true, false}) {
    out.push_back(
        {"POST", approve ? "/v1/access-requests/{id}/approve" : "/v1/access-requests/{id}/reject",
         AuthRequirement::Required, endpoint([=](RequestContext& ctx, Resume done) {
           if (is_citizen(ctx.identity)) return common::refuse(ctx, not_for_citizens(), done);
           auto id = id_param(ctx, "id");
           if (!id) return common::refuse(ctx, request_not_found(), done);
           auto body = read_body(ctx, max_body, true);
           if (!body) return done(Flow::Stop);
           // An approval may narrow the fields and the validity; a rejection has only a reason.
           Approval decision;
           if (approve) {
             auto read = read_approval(*body);
             if (auto* p = std::get_if<Problem>(&read)) return common::refuse(ctx, *p, done);
             decision = std::get<Approval>(std::move(read));
           } else {
             auto reason = read_decision_reason(*body);
             if (auto* p = std::get_if<Problem>(&reason)) return common::refuse(ctx, *p, done);
             decision.reason = std::get<std::string>(reason);
           }
           off_io(executor, ctx, std::move(done), [=](RequestContext& c, Resume& d) {
             auto result =
                 approve ? service->approve(c.identity, *id, decision, c.trace.trace_id)
                         : service->reject(c.identity, *id, decision.reason, c.trace.trace_id);
             answer(c, std::move(result), 200, to_json, d);
           });
         })});
  }

  out.push_back(
      {"GET", "/v1/grants", AuthRequirement::Required,
       endpoint([=](RequestContext& ctx, Resume done) {
         if (is_citizen(ctx.identity)) return common::refuse(ctx, not_for_citizens(), done);
         if (auto p = common::unknown_query_params(ctx.request, {"state", "page", "pageSize"})) {
           return common::refuse(ctx, *p, done);
         }
         auto state = ctx.request.query_param("state");
         if (state && *state != "active" && *state != "revoked" && *state != "expired") {
           auto p = make_problem(400, "invalid-parameter", "Unknown state.");
           p.invalid_params.push_back(
               {"state", "must be active, revoked or expired", "invalid-value"});
           return common::refuse(ctx, p, done);
         }
         auto page = read_page(ctx);
         if (auto* p = std::get_if<Problem>(&page)) return common::refuse(ctx, *p, done);
         auto now = service->now();
         auto list = nlohmann::json::array();
         for (const auto& g : service->visible_grants(ctx.identity)) {
           auto json = grant_to_json(g, now);
           if (!state || json["state"] == *state) list.push_back(std::move(json));
         }
         respond_page(ctx, "grants", list, std::get<PageRequest>(page), done);
       })});

  out.push_back({"DELETE", "/v1/grants/{id}", AuthRequirement::Required,
                 endpoint([=](RequestContext& ctx, Resume done) {
                   if (is_citizen(ctx.identity))
                     return common::refuse(ctx, not_for_citizens(), done);
                   auto id = id_param(ctx, "id");
                   if (!id)
                     return common::refuse(
                         ctx, make_problem(404, "grant-not-found", "No such grant."), done);
                   off_io(executor, ctx, std::move(done), [=](RequestContext& c, Resume& d) {
                     auto result = service->revoke(c.identity, *id, c.trace.trace_id);
                     auto now = service->now();
                     answer(
                         c, std::move(result), 200,
                         [now](const Grant& g) { return grant_to_json(g, now); }, d);
                   });
                 })});
}

}  // namespace bronpoort::access
