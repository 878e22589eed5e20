// The portal's files from memory. A request names a file by its relative path; the lookup is an
// exact match in the map read at config load, so "..", encoded slashes or absolute paths can
// only miss. They are refused explicitly as well, so the refusal does not depend on the map.
#include "portal_endpoints.hpp"

namespace bronpoort::portal {
namespace {

bool safe_relative_path(std::string_view rel) {
  if (rel.empty() || rel.front() == '/') return false;
  for (char c : rel) {
    if (c == '\\' || c == '\0' || static_cast<unsigned char>(c) < 0x20) return false;
  }
  std::size_t pos = 0;
  while (pos <= rel.size()) {
    auto next = rel.find('/', pos);
    auto seg =
        rel.substr(pos, next == std::string_view::npos ? std::string_view::npos : next - pos);
    if (seg.empty() || seg == "." || seg == ".." || seg.front() == '.') return false;
    if (next == std::string_view::npos) break;
    pos = next + 1;
  }
  return true;
}

nlohmann::json settings_json(const PortalConfig& config) {
  nlohmann::json out = {{"demoSignIn", config.demo_sign_in},
                        {"organisations", config.organisations}};
  if (config.oidc) {
    const auto& o = *config.oidc;
    out["oidc"] = {{"issuer", o.issuer},
                   {"authorizationEndpoint", o.authorization_endpoint},
                   {"tokenEndpoint", o.token_endpoint},
                   {"clientId", o.client_id},
                   {"scope", o.scope},
                   {"redirectUri", o.redirect_uri},
                   {"token", o.token}};
  }
  return out;
}

class FilesEndpoint final : public Endpoint {
 public:
  FilesEndpoint(std::shared_ptr<const PortalConfig> config,
                std::shared_ptr<const StaticFiles> files, std::string csp)
      : files_(std::move(files)), csp_(std::move(csp)), settings_(settings_json(*config).dump()) {}

  void handle(RequestContext& ctx, Resume done) const override {
    auto& res = ctx.response;
    set_portal_headers(res, csp_);
    if (ctx.request.method != "GET") {
      res.headers.set("Allow", "GET");
      ctx.fail(make_problem(405, "method-not-allowed", "The portal's files are read with GET."));
      return done(Flow::Stop);
    }
    const std::string& path = ctx.request.path;
    if (path == "/portal") {
      res.status = 308;
      res.headers.set("Location", "/portal/");
      return done(Flow::Continue);
    }
    std::string_view rel = std::string_view(path).substr(8);  // after "/portal/"
    if (rel.empty()) rel = "index.html";
    if (rel == "portal-config.json") {
      res.status = 200;
      res.headers.set("Content-Type", "application/json");
      res.body = settings_;
      return done(Flow::Continue);
    }
    const StaticFile* file = safe_relative_path(rel) ? files_->find(rel) : nullptr;
    if (!file) {
      ctx.fail(make_problem(404, "portal-file-not-found", "The portal has no such file."));
      return done(Flow::Stop);
    }
    res.status = 200;
    res.headers.set("Content-Type", file->content_type);
    // Revalidated on every visit: a new gateway version never runs with yesterday's scripts.
    res.headers.set("Cache-Control", "no-cache");
    res.body = file->body;
    done(Flow::Continue);
  }

 private:
  std::shared_ptr<const StaticFiles> files_;
  std::string csp_;
  std::string settings_;
};

}  // namespace

std::shared_ptr<const Endpoint> make_files_endpoint(std::shared_ptr<const PortalConfig> config,
                                                    std::shared_ptr<const StaticFiles> files,
                                                    std::string csp) {
  return std::make_shared<FilesEndpoint>(std::move(config), std::move(files), std::move(csp));
}

}  // namespace bronpoort::portal
