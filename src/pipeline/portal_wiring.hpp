#pragma once
// Wires the portal (src/portal/) into the gateway: its config, its files, and the demo sign-in
// bound to the authenticate stage's demo issuer.

#include <bronpoort/authenticate/config.hpp>
#include <bronpoort/config/gateway_config.hpp>
#include <bronpoort/core/stage.hpp>

#include <memory>

namespace bronpoort::pipeline {

// `routes` wrapped by the portal when gateway.json has a portal section, else `routes` itself.
// Problems with the section or the portal's files are added to `errors`.
std::shared_ptr<const Stage> with_portal(
    const config::GatewayConfig& cfg, std::shared_ptr<const authenticate::IdentityConfig> identity,
    std::shared_ptr<const Stage> routes, ConfigErrors& errors);

// The same checks for check-config, without building anything.
void check_portal_config(const config::GatewayConfig& cfg, ConfigErrors& errors);

}  // namespace bronpoort::pipeline
