// Purpose register and explain endpoints, and the list of all access endpoints.
#include <bronpoort/access/endpoints.hpp>
#include <bronpoort/access/purpose_register.hpp>

#include "body_reader.hpp"
#include "endpoint_support.hpp"
#include "explain.hpp"

namespace bronpoort::access {

using namespace http;

std::vector<EndpointRoute> make_access_endpoints(const AccessEndpointOptions& options) {
  auto service = options.service;
  const auto max_body = options.max_request_body_bytes;
  std::vector<EndpointRoute> out;

  out.push_back({"GET", "/v1/purposes", AuthRequirement::None,
                 endpoint([service](RequestContext& ctx, Resume done) {
                   if (auto p = common::unknown_query_params(ctx.request, {}))
                     return common::refuse(ctx, *p, done);
                   auto snapshot = service->snapshot();
                   auto list = nlohmann::json::array();
                   for (const auto& purpose : snapshot->purposes()) {
                     list.push_back(purpose_to_json(purpose));
                   }
                   common::respond(ctx, 200, {{"purposes", list}}, done);
                 })});

  out.push_back({"GET", "/v1/purposes/{id}", AuthRequirement::None,
                 endpoint([service](RequestContext& ctx, Resume done) {
                   auto snapshot = service->snapshot();
                   auto id = id_param(ctx, "id");
                   const Purpose* p = id ? snapshot->purpose(*id) : nullptr;
                   if (!p) {
                     return common::refuse(
                         ctx,
                         make_problem(404, "purpose-unknown",
                                      "No such purpose; GET /v1/purposes lists them."),
                         done);
                   }
                   common::respond(ctx, 200, purpose_to_json(*p), done);
                 })});

  // Explain reads only the in-memory policy, so it answers on the calling thread.
  out.push_back({"POST", "/v1/access-checks", AuthRequirement::Required,
                 endpoint([service, max_body](RequestContext& ctx, Resume done) {
                   auto body = read_body(ctx, max_body, false);
                   if (!body) return done(Flow::Stop);
                   auto query = read_access_check(*body);
                   if (auto* p = std::get_if<Problem>(&query)) return common::refuse(ctx, *p, done);
                   common::respond(
                       ctx, 200,
                       explain_access(*service->snapshot(), ctx.identity,
                                      std::get<AccessCheckQuery>(query), service->now()),
                       done);
                 })});

  add_request_endpoints(options, out);
  return out;
}

}  // namespace bronpoort::access
