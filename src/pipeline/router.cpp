#include <bronpoort/core/purpose_id.hpp>
#include <bronpoort/pipeline/router.hpp>

#include <algorithm>

namespace bronpoort::pipeline {
namespace {

bool is_param(const std::string& seg) {
  return seg.size() > 2 && seg.front() == '{' && seg.back() == '}';
}

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
  return out;
}

}  // namespace

std::optional<std::vector<std::string>> split_path(std::string_view path) {
  if (path.empty() || path.front() != '/') return std::nullopt;
  std::vector<std::string> out;
  if (path == "/") return out;
  std::size_t pos = 1;
  while (true) {
    auto next = path.find('/', pos);
    std::string_view seg = path.substr(pos, next == std::string_view::npos ? next : next - pos);
    if (seg.empty() || seg == "." || seg == "..") return std::nullopt;
    out.emplace_back(seg);
    if (next == std::string_view::npos) break;
    pos = next + 1;
  }
  return out;
}

std::optional<std::string> RouteTable::add(EndpointRoute route) {
  auto segments = split_path(route.path_template);
  if (!segments) return "malformed path template " + route.path_template;
  for (std::size_t i = 0; i < routes_.size(); ++i) {
    if (routes_[i].method == route.method && templates_[i] == *segments) {
      return "duplicate route " + route.method + " " + route.path_template;
    }
  }
  routes_.push_back(std::move(route));
  templates_.push_back(std::move(*segments));
  return std::nullopt;
}

RouteTable::Match RouteTable::find(std::string_view method,
                                   const std::vector<std::string>& segments) const {
  Match best;
  int best_literals = -1;
  for (std::size_t i = 0; i < routes_.size(); ++i) {
    const auto& tpl = templates_[i];
    if (tpl.size() != segments.size()) continue;
    std::map<std::string, std::string> params;
    int literals = 0;
    bool ok = true;
    for (std::size_t s = 0; s < tpl.size() && ok; ++s) {
      if (is_param(tpl[s])) {
        params[tpl[s].substr(1, tpl[s].size() - 2)] = segments[s];
      } else if (tpl[s] == segments[s]) {
        ++literals;
      } else {
        ok = false;
      }
    }
    if (!ok) continue;
    if (routes_[i].method != method) {
      if (std::find(best.allowed_methods.begin(), best.allowed_methods.end(), routes_[i].method) ==
          best.allowed_methods.end()) {
        best.allowed_methods.push_back(routes_[i].method);
      }
      continue;
    }
    // The most specific template wins: /v1/access-requests/{id}/approve over .../{id}/{action}.
    if (literals > best_literals) {
      best_literals = literals;
      best.route = &routes_[i];
      best.params = std::move(params);
    }
  }
  return best;
}

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

void EndpointStage::run(RequestContext& ctx, Resume resume) const {
  if (ctx.route.kind != RouteKind::Endpoint || ctx.route.endpoint == nullptr) {
    resume(Flow::Continue);
    return;
  }
  ctx.route.endpoint->handle(ctx, std::move(resume));
}

}  // namespace bronpoort::pipeline
