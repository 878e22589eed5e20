#include "portal_wiring.hpp"

#include <bronpoort/authenticate/demo_token.hpp>
#include <bronpoort/portal/portal.hpp>

namespace bronpoort::pipeline {
namespace {

constexpr std::chrono::seconds kDemoTokenTtl{3600};

std::optional<portal::PortalConfig> load(const config::GatewayConfig& cfg, ConfigErrors& errors) {
  if (cfg.portal.empty()) return std::nullopt;
  std::vector<std::string> addresses;
  for (const auto& l : cfg.server.listeners) addresses.push_back(l.address);
  const bool demo_issuer = cfg.identity.is_object() && cfg.identity.contains("demoIssuer");
  auto loaded =
      portal::load_config(cfg.portal, cfg.base_dir, cfg.file.string(), addresses, demo_issuer);
  if (auto* e = std::get_if<ConfigErrors>(&loaded)) {
    errors.insert(errors.end(), e->begin(), e->end());
    return std::nullopt;
  }
  return std::get<portal::PortalConfig>(std::move(loaded));
}

std::shared_ptr<const portal::StaticFiles> read_files(const config::GatewayConfig& cfg,
                                                      const portal::PortalConfig& portal,
                                                      ConfigErrors& errors) {
  auto files = portal::StaticFiles::load(portal.directory);
  if (auto* why = std::get_if<std::string>(&files)) {
    errors.push_back({cfg.file.string(), "/portal/directory", *why});
    return nullptr;
  }
  return std::make_shared<const portal::StaticFiles>(
      std::get<portal::StaticFiles>(std::move(files)));
}

}  // namespace

std::shared_ptr<const Stage> with_portal(
    const config::GatewayConfig& cfg, std::shared_ptr<const authenticate::IdentityConfig> identity,
    std::shared_ptr<const Stage> routes, ConfigErrors& errors) {
  auto config = load(cfg, errors);
  if (!config) return routes;
  auto files = read_files(cfg, *config, errors);
  if (!files) return routes;
  portal::DemoTokenIssuer issuer;
  if (identity && identity->demo_issuer) {
    issuer = [identity](const portal::DemoSignIn& in) {
      authenticate::DemoTokenRequest request;
      request.subject = in.subject;
      request.organisation = in.organisation;
      request.roles = {in.role};
      request.bsn = in.bsn;
      request.ttl = kDemoTokenTtl;
      auto issued = authenticate::issue_demo_token(*identity->demo_issuer, request,
                                                   std::chrono::system_clock::now());
      return portal::DemoToken{issued.token, issued.error, kDemoTokenTtl.count()};
    };
  }
  return portal::make_portal_route_stage(
      std::make_shared<const portal::PortalConfig>(std::move(*config)), std::move(files),
      std::move(issuer), std::move(routes));
}

void check_portal_config(const config::GatewayConfig& cfg, ConfigErrors& errors) {
  if (auto config = load(cfg, errors)) read_files(cfg, *config, errors);
}

}  // namespace bronpoort::pipeline
