#include <bronpoort/core/purpose_id.hpp>
#include <bronpoort/pipeline/route_stage.hpp>

namespace bronpoort::pipeline {
namespace {

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
  return out;
}

}  // namespace

RouteStage::RouteStage(RouteTable table, DataRouteResolver data_resolver)
    : table_(std::move(table)), data_resolver_(std::move(data_resolver)) {}

void RouteStage::name_refused_route(RequestContext& ctx) const {
  Problem refusal = std::move(*ctx.problem);
  ctx.problem.reset();
  if (auto segments = split_path(ctx.request.path)) {
    auto match = table_.find(ctx.request.method, *segments);
    if (match.route) {
      ctx.route.kind = RouteKind::Endpoint;
      ctx.route.name = match.route->path_template;
    } else if (data_resolver_ && data_resolver_(*segments, ctx)) {
      // Recorded as stated, but only when it is one purpose id: the header is unchecked text.
      auto stated = read_stated_purpose(ctx.request.headers);
      if (auto* id = std::get_if<std::string>(&stated)) ctx.purpose_id = std::move(*id);
    }
  }
  // Whatever routing found wrong as well, the authentication refusal is the answer.
  ctx.problem = std::move(refusal);
}

Flow RouteStage::process(RequestContext& ctx) const {
  if (ctx.refused()) {
    if (ctx.problem->status == 401 && ctx.route.kind == RouteKind::None) name_refused_route(ctx);
    return Flow::Stop;
  }
  auto segments = split_path(ctx.request.path);
  if (!segments) {
    ctx.fail(make_problem(404, "route-not-found",
                          "No resource at this path. Paths have no trailing slash and no empty, "
                          "'.' or '..' segments; see /v1/openapi.json."));
    return Flow::Stop;
  }
  auto match = table_.find(ctx.request.method, *segments);
  if (match.route) {
    ctx.route.kind = RouteKind::Endpoint;
    ctx.route.name = match.route->path_template;
    ctx.route.params = std::move(match.params);
    ctx.route.auth = match.route->auth;
    ctx.route.endpoint = match.route->endpoint.get();
  } else if (data_resolver_ && data_resolver_(*segments, ctx)) {
    if (ctx.refused()) return Flow::Stop;
  } else if (!match.allowed_methods.empty()) {
    ctx.response.headers.set("Allow", join(match.allowed_methods));
    ctx.fail(make_problem(405, "method-not-allowed",
                          "This resource supports " + join(match.allowed_methods) + "."));
    return Flow::Stop;
  } else {
    ctx.fail(make_problem(404, "route-not-found",
                          "No resource at this path; see /v1/openapi.json for what exists."));
    return Flow::Stop;
  }

  if (ctx.route.auth == AuthRequirement::Required && !ctx.identity.authenticated) {
    ctx.response.headers.set("WWW-Authenticate", "Bearer realm=\"bronpoort\"");
    ctx.fail(make_problem(401, "token-missing",
                          "This resource needs a bearer token: send 'Authorization: Bearer <jwt>' "
                          "issued by a trusted identity provider."));
    return Flow::Stop;
  }
  // The stated purpose is read by the access stage alone (core/purpose_id.hpp): no copy of the
  // raw header is kept here.
  return Flow::Continue;
}

}  // namespace bronpoort::pipeline
