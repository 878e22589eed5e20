#pragma once
// The portal: the web interface served by the gateway itself under /portal/. It is a set of
// static files (HTML, JavaScript, CSS) read once into memory at config load, plus two small
// answers of its own: the portal's settings (`/portal/portal-config.json`) and, with the demo
// config only, the demo sign-in (`POST /portal/demo-token`). Everything else the portal shows
// comes from the gateway's public /v1 API, called by the browser.

#include <bronpoort/core/config_error.hpp>
#include <bronpoort/core/result.hpp>
#include <bronpoort/core/stage.hpp>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace bronpoort::portal {

// An OpenID Connect provider the browser signs in with: authorization code flow with PKCE (S256),
// as the NL GOV OAuth profile asks. The gateway verifies the resulting tokens through its
// `identity.issuers`; this only tells the browser where to go.
struct OidcClient {
  std::string issuer;
  std::string authorization_endpoint;  // https URL
  std::string token_endpoint;          // https URL; its origin is added to connect-src
  std::string client_id;
  std::string scope = "openid";
  std::string redirect_uri;            // empty: the portal's own address
  std::string token = "access_token";  // which token the gateway receives: access or id token
};

struct PortalConfig {
  std::filesystem::path directory;  // the built portal, e.g. portal/dist
  bool demo_sign_in = false;        // the DEMO ONLY sign-in page and POST /portal/demo-token
  std::optional<OidcClient> oidc;
  // OIN -> name of organisations that request data, shown to citizens next to the OIN. Source
  // holders' names come from the catalog.
  std::map<std::string, std::string> organisations;
};

// Reads the `portal` section of gateway.json. `listener_addresses` are the configured listener
// addresses: the demo sign-in is refused unless every one is a loopback address, and
// `has_demo_issuer` must be true for it.
Result<PortalConfig, ConfigErrors> load_config(const nlohmann::json& section,
                                               const std::filesystem::path& base_dir,
                                               const std::string& file,
                                               const std::vector<std::string>& listener_addresses,
                                               bool has_demo_issuer);

struct StaticFile {
  std::string content_type;
  std::string body;
};

// The portal's files, read once. Lookups are by exact relative name in a map, so a request can
// never name a file outside the directory: there is no path joining at request time.
class StaticFiles {
 public:
  // Reads every regular file under `directory` whose extension has a known content type.
  // Symbolic links and names starting with '.' are skipped. Errors when the directory is
  // missing, has no index.html, or holds more than `max_total_bytes`.
  static Result<StaticFiles, std::string> load(const std::filesystem::path& directory,
                                               std::size_t max_total_bytes = 32 << 20);
  // The file at `relative` ("index.html", "js/app.js"), or nullptr.
  const StaticFile* find(std::string_view relative) const;
  std::size_t size() const { return files_.size(); }
  // For tests: adds a file as if it had been read.
  void add(std::string relative, StaticFile file) { files_[std::move(relative)] = std::move(file); }

 private:
  std::map<std::string, StaticFile, std::less<>> files_;
};

// The content type for a file name, or "" for extensions the portal does not serve.
std::string content_type_for(std::string_view name);

// The Content-Security-Policy of every portal response: no inline script or style, connections
// only to the gateway itself (and the OIDC token endpoint when one is configured), no framing.
std::string content_security_policy(const PortalConfig& config);

// What the demo sign-in asks for: one of the gateway's roles for an organisation.
struct DemoSignIn {
  std::string role;
  std::string organisation;  // OIN
  std::string subject;
  std::optional<std::string> bsn;  // only for role data-subject
};

struct DemoToken {
  std::string token;  // empty on failure
  std::string error;  // why the request was refused
  long long expires_in = 0;
};

// Signs a demo token; bound by the composition root to the authenticate stage's demo issuer.
using DemoTokenIssuer = std::function<DemoToken(const DemoSignIn&)>;

// Whether `address` (as the server reports the peer) is a loopback address.
bool is_loopback_address(std::string_view address);

// Wraps the route stage: requests for /portal and below are answered by the portal (their route
// is set to one of its endpoints, which the endpoint stage then calls); every other request goes
// to `routes` unchanged. `issuer` is used only when the config enables the demo sign-in.
std::shared_ptr<const Stage> make_portal_route_stage(std::shared_ptr<const PortalConfig> config,
                                                     std::shared_ptr<const StaticFiles> files,
                                                     DemoTokenIssuer issuer,
                                                     std::shared_ptr<const Stage> routes);

}  // namespace bronpoort::portal
