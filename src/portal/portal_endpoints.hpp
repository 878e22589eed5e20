#pragma once
// The portal's two endpoints, for the portal route stage.

#include <bronpoort/portal/portal.hpp>

namespace bronpoort::portal {

// Security headers of every portal response, refusals included.
void set_portal_headers(HttpResponse& response, const std::string& csp);

// GET /portal, /portal/ and the files below it; /portal/portal-config.json is generated from the
// config (no secrets: what the browser needs to offer sign-in).
std::shared_ptr<const Endpoint> make_files_endpoint(std::shared_ptr<const PortalConfig> config,
                                                    std::shared_ptr<const StaticFiles> files,
                                                    std::string csp);

// POST /portal/demo-token; answers 404 when `issuer` is empty (no demo sign-in configured).
std::shared_ptr<const Endpoint> make_demo_token_endpoint(DemoTokenIssuer issuer, std::string csp);

}  // namespace bronpoort::portal
