// POST /portal/demo-token: the DEMO ONLY sign-in. It exists only when gateway.json enables
// portal.demoSignIn, which config loading allows only with a demo issuer and loopback-only
// listeners; each request is checked to come from a loopback address as well. Its body is JSON
// (a browser form cannot send that across sites without a CORS preflight, which is never granted).
#include "portal_endpoints.hpp"

#include <bronpoort/common/roles.hpp>

namespace bronpoort::portal {
namespace {

std::optional<DemoSignIn> read_sign_in(const std::string& body, std::string& why) {
  auto j = nlohmann::json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    why = "The body must be a JSON object with role and organisation.";
    return std::nullopt;
  }
  DemoSignIn in;
  for (const auto& [key, value] : j.items()) {
    if (!value.is_string()) {
      why = "Member " + key + " must be a string.";
      return std::nullopt;
    }
    const auto text = value.get<std::string>();
    if (key == "role")
      in.role = text;
    else if (key == "organisation")
      in.organisation = text;
    else if (key == "subject")
      in.subject = text;
    else if (key == "bsn")
      in.bsn = text;
    else {
      why = "Unknown member " + key + "; allowed are role, organisation, subject and bsn.";
      return std::nullopt;
    }
  }
  if (in.role.empty() || in.organisation.empty()) {
    why = "Both role and organisation are required.";
    return std::nullopt;
  }
  if (in.subject.empty()) in.subject = "demo-" + in.role;
  if (in.bsn && in.role != common::roles::kDataSubject) {
    why = "A BSN is only given with the role data-subject.";
    return std::nullopt;
  }
  return in;
}

class DemoTokenEndpoint final : public Endpoint {
 public:
  DemoTokenEndpoint(DemoTokenIssuer issuer, std::string csp)
      : issuer_(std::move(issuer)), csp_(std::move(csp)) {}

  void handle(RequestContext& ctx, Resume done) const override {
    set_portal_headers(ctx.response, csp_);
    if (!issuer_) {
      ctx.fail(make_problem(404, "demo-sign-in-disabled",
                            "The demo sign-in exists only in the demo configuration "
                            "(portal.demoSignIn); sign in with your organisation's identity "
                            "provider."));
      return done(Flow::Stop);
    }
    if (ctx.request.method != "POST") {
      ctx.response.headers.set("Allow", "POST");
      ctx.fail(make_problem(405, "method-not-allowed", "The demo sign-in takes a POST."));
      return done(Flow::Stop);
    }
    if (!is_loopback_address(ctx.request.remote_address)) {
      ctx.fail(make_problem(403, "demo-sign-in-loopback-only",
                            "The demo sign-in answers only on this machine (loopback)."));
      return done(Flow::Stop);
    }
    auto type = ctx.request.headers.find("Content-Type");
    if (!type || type->substr(0, 16) != "application/json") {
      ctx.fail(make_problem(415, "unsupported-media-type",
                            "Send the demo sign-in as Content-Type: application/json."));
      return done(Flow::Stop);
    }
    std::string why;
    auto in = read_sign_in(ctx.request.body, why);
    DemoToken issued;
    if (in) issued = issuer_(*in);
    if (!in || issued.token.empty()) {
      ctx.fail(make_problem(400, "invalid-demo-sign-in", in ? issued.error : why));
      return done(Flow::Stop);
    }
    ctx.response.status = 200;
    ctx.response.headers.set("Content-Type", "application/json");
    ctx.response.headers.set("Cache-Control", "no-store");
    ctx.response.body = nlohmann::json{
        {"accessToken", issued.token},
        {"tokenType", "Bearer"},
        {"expiresIn", issued.expires_in},
        {"demo", true}}.dump();
    done(Flow::Continue);
  }

 private:
  DemoTokenIssuer issuer_;
  std::string csp_;
};

}  // namespace

std::shared_ptr<const Endpoint> make_demo_token_endpoint(DemoTokenIssuer issuer, std::string csp) {
  return std::make_shared<DemoTokenEndpoint>(std::move(issuer), std::move(csp));
}

}  // namespace bronpoort::portal
