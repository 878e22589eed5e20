// Routes /portal and below to the portal's own endpoints; everything else goes to the gateway's
// route stage. The portal's paths end in '/' ("/portal/") and name files ("/portal/js/app.js"),
// which the API's router rightly refuses, so they are recognised before it.
#include <bronpoort/portal/portal.hpp>

#include "portal_endpoints.hpp"

namespace bronpoort::portal {
namespace {

constexpr std::string_view kPrefix = "/portal/";

bool is_portal_path(std::string_view path) {
  return path == "/portal" || path.rfind(kPrefix, 0) == 0;
}

class PortalRouteStage final : public Stage {
 public:
  PortalRouteStage(std::shared_ptr<const Endpoint> files, std::shared_ptr<const Endpoint> demo,
                   std::shared_ptr<const Stage> routes)
      : files_(std::move(files)), demo_(std::move(demo)), routes_(std::move(routes)) {}
  const char* name() const override { return routes_->name(); }
  bool runs_after_refusal() const override { return routes_->runs_after_refusal(); }

  void run(RequestContext& ctx, Resume resume) const override {
    if (!is_portal_path(ctx.request.path)) {
      routes_->run(ctx, std::move(resume));
      return;
    }
    resume(route_portal(ctx));
  }
  std::optional<Flow> run_at_once(RequestContext& ctx) const override {
    if (!is_portal_path(ctx.request.path)) return routes_->run_at_once(ctx);
    return route_portal(ctx);
  }

 private:
  Flow route_portal(RequestContext& ctx) const {
    const bool demo = ctx.request.path == "/portal/demo-token";
    ctx.route.kind = RouteKind::Endpoint;
    ctx.route.auth = AuthRequirement::None;
    ctx.route.name = demo ? "/portal/demo-token" : "/portal/{file}";
    ctx.route.endpoint = demo ? demo_.get() : files_.get();
    // A request refused before routing (a bad token sent along) keeps its refusal.
    return ctx.refused() ? Flow::Stop : Flow::Continue;
  }

  std::shared_ptr<const Endpoint> files_;
  std::shared_ptr<const Endpoint> demo_;
  std::shared_ptr<const Stage> routes_;
};

}  // namespace

void set_portal_headers(HttpResponse& response, const std::string& csp) {
  response.headers.set("Content-Security-Policy", csp);
  response.headers.set("X-Frame-Options", "DENY");
  response.headers.set("Referrer-Policy", "no-referrer");
  response.headers.set("Cross-Origin-Opener-Policy", "same-origin");
  response.headers.set("Cross-Origin-Resource-Policy", "same-origin");
  response.headers.set("Permissions-Policy", "camera=(), microphone=(), geolocation=()");
}

std::shared_ptr<const Stage> make_portal_route_stage(std::shared_ptr<const PortalConfig> config,
                                                     std::shared_ptr<const StaticFiles> files,
                                                     DemoTokenIssuer issuer,
                                                     std::shared_ptr<const Stage> routes) {
  auto csp = content_security_policy(*config);
  auto files_endpoint = make_files_endpoint(config, std::move(files), csp);
  auto demo_endpoint =
      make_demo_token_endpoint(config->demo_sign_in ? std::move(issuer) : DemoTokenIssuer{}, csp);
  return std::make_shared<PortalRouteStage>(std::move(files_endpoint), std::move(demo_endpoint),
                                            std::move(routes));
}

}  // namespace bronpoort::portal
