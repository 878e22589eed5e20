#include <bronpoort/common/json_reader.hpp>
#include <bronpoort/core/result.hpp>
#include <bronpoort/portal/portal.hpp>

#include <algorithm>

namespace bronpoort::portal {
namespace {

bool is_https_url(const std::string& s) {
  return s.rfind("https://", 0) == 0 && s.size() > 8;
}

bool is_oin(const std::string& s) {
  return s.size() == 20 &&
         std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::optional<OidcClient> read_oidc(const nlohmann::json& j, const std::string& file,
                                    ConfigErrors& errors) {
  common::JsonReader r(j, file, "/portal/oidc", errors);
  OidcClient c;
  auto url = [&](const char* key, std::string& out) {
    if (auto v = r.string(key, true)) {
      if (!is_https_url(*v)) r.error(key, "must be an https URL");
      out = *v;
    }
  };
  url("issuer", c.issuer);
  url("authorizationEndpoint", c.authorization_endpoint);
  url("tokenEndpoint", c.token_endpoint);
  if (auto v = r.string("clientId", true)) c.client_id = *v;
  if (auto v = r.string("scope", false)) c.scope = *v;
  if (auto v = r.string("redirectUri", false)) c.redirect_uri = *v;
  if (auto v = r.string("token", false)) {
    if (*v != "access_token" && *v != "id_token")
      r.error("token", "must be access_token or id_token");
    c.token = *v;
  }
  r.finish();
  return c;
}

}  // namespace

Result<PortalConfig, ConfigErrors> load_config(const nlohmann::json& section,
                                               const std::filesystem::path& base_dir,
                                               const std::string& file,
                                               const std::vector<std::string>& listener_addresses,
                                               bool has_demo_issuer) {
  ConfigErrors errors;
  PortalConfig out;
  common::JsonReader r(section, file, "/portal", errors);
  if (auto v = r.string("directory", true)) {
    std::filesystem::path p(*v);
    out.directory = p.is_absolute() ? p : base_dir / p;
  }
  if (auto v = r.boolean("demoSignIn", false)) out.demo_sign_in = *v;
  if (const auto* o = r.object("oidc", false)) out.oidc = read_oidc(*o, file, errors);
  if (const auto* orgs = r.object("organisations", false)) {
    for (const auto& [oin, name] : orgs->items()) {
      if (!is_oin(oin) || !name.is_string() || name.get<std::string>().empty()) {
        r.error_at("/portal/organisations/" + common::escape_pointer_token(oin),
                   "must map an OIN (20 digits) to a non-empty name");
        continue;
      }
      out.organisations[oin] = name.get<std::string>();
    }
  }
  r.finish();
  if (out.demo_sign_in) {
    // Demo tokens are signed with a key that sits in the repository: whoever can reach the
    // sign-in can be anyone. Only a gateway that nobody else can reach may offer it.
    if (!has_demo_issuer) {
      r.error("demoSignIn", "needs identity.demoIssuer: demo tokens are signed by the demo issuer");
    }
    for (const auto& address : listener_addresses) {
      if (!is_loopback_address(address)) {
        r.error("demoSignIn", "is DEMO ONLY and needs every listener on a loopback address; " +
                                  address + " is not");
      }
    }
  }
  if (!errors.empty()) return errors;
  return out;
}

bool is_loopback_address(std::string_view a) {
  if (a.rfind("::ffff:", 0) == 0) a.remove_prefix(7);
  return a == "::1" || a == "localhost" || a.rfind("127.", 0) == 0;
}

std::string content_security_policy(const PortalConfig& config) {
  std::string connect = "'self'";
  if (config.oidc) {
    const auto& url = config.oidc->token_endpoint;
    auto end = url.find('/', 8);  // after "https://"
    connect += " " + url.substr(0, end);
  }
  return "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
         "font-src 'self'; connect-src " +
         connect +
         "; form-action 'self'; base-uri 'none'; frame-ancestors 'none'; object-src 'none'";
}

}  // namespace bronpoort::portal
