#include <bronpoort/authenticate/stage.hpp>

#include <bronpoort/authenticate/identity_claims.hpp>
#include <bronpoort/authenticate/problem_codes.hpp>
#include <bronpoort/authenticate/token_verifier.hpp>

#include "time_claims.hpp"
#include "verified_token_cache.hpp"

namespace bronpoort::authenticate {
namespace {

constexpr std::string_view kBearer = "Bearer";

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

class AuthenticateStage final : public SyncStage {
 public:
  AuthenticateStage(std::shared_ptr<const IdentityConfig> config, WallClock clock)
      : config_(std::move(config)), clock_(std::move(clock)) {}

  const char* name() const override { return "authenticate"; }

  Flow process(RequestContext& ctx) const override {
    ctx.identity = Identity{};
    if (ctx.request.client_certificate) {
      // Even an anonymous caller is known by its certificate's organisation.
      ctx.identity.certificate_oin = ctx.request.client_certificate->serial_number;
    }
    const auto& headers = ctx.request.headers;
    const std::size_t count = headers.count("Authorization");
    if (count == 0) return Flow::Continue;
    if (count > 1) {
      return refuse(ctx, "invalid_request",
                    {codes::kAuthorizationRepeated, "Send exactly one Authorization header."});
    }
    const std::string_view value = trim(*headers.find("Authorization"));
    // RFC 7235: the scheme is case-insensitive and followed by at least one space.
    if (value.size() < kBearer.size() || !iequals(value.substr(0, kBearer.size()), kBearer) ||
        (value.size() > kBearer.size() && value[kBearer.size()] != ' ')) {
      return refuse(ctx, "invalid_request",
                    {codes::kSchemeUnsupported,
                     "Use \"Authorization: Bearer <token>\"; other schemes are not accepted."});
    }
    const std::string_view token = trim(value.substr(kBearer.size()));
    if (token.empty()) {
      return refuse(ctx, "invalid_request",
                    {codes::kTokenMissing, "\"Bearer\" must be followed by the token."});
    }
    const auto now = clock_ ? clock_() : std::chrono::system_clock::now();
    std::shared_ptr<const VerifiedToken> verified = cache_.find(token);
    if (verified) {
      // Same bytes, same config: signature, issuer and audience hold; time may have passed.
      if (auto e = check_time_claims(verified->claims, now, config_->leeway)) {
        return refuse(ctx, "invalid_token", *e);
      }
    } else {
      auto result = verify_token(token, *config_, now);
      if (auto* e = std::get_if<TokenError>(&result)) return refuse(ctx, "invalid_token", *e);
      verified = cache_.insert(token, std::move(std::get<VerifiedToken>(result)));
    }
    // The certificate binding and the identity claims are checked on every request.
    auto identity = identity_from_claims(*verified, ctx.request.client_certificate);
    if (auto* e = std::get_if<TokenError>(&identity)) return refuse(ctx, "invalid_token", *e);
    auto& who = std::get<Identity>(identity);
    // A trusted issuer speaks only for the organisations and roles it is bound to.
    if (const auto* issuer = config_->find_issuer(verified->issuer)) {
      if (auto why = issuer->outside_remit(who.organisation, who.roles)) {
        return refuse(ctx, "invalid_token", {codes::kIssuerNotTrustedFor, *why});
      }
    }
    ctx.identity = std::move(who);
    return Flow::Continue;
  }

 private:
  static Flow refuse(RequestContext& ctx, std::string_view error, const TokenError& e) {
    ctx.response.headers.set("WWW-Authenticate", bearer_challenge(error, e.detail));
    ctx.fail(make_problem(401, e.code, e.detail));
    return Flow::Stop;
  }

  std::shared_ptr<const IdentityConfig> config_;
  WallClock clock_;
  // At most 1024 tokens of at most max_token_bytes (8 KiB by default) each.
  mutable VerifiedTokenCache cache_{1024};
};

}  // namespace

std::string bearer_challenge(std::string_view error, std::string_view description) {
  std::string out = "Bearer realm=\"bronpoort\", error=\"";
  out += error;
  out += "\", error_description=\"";
  for (char c : description) {
    // RFC 6750 section 3: %x20-21 / %x23-5B / %x5D-7E, so no quote, backslash or control byte.
    const auto u = static_cast<unsigned char>(c);
    if (u >= 0x20 && u <= 0x7e && c != '"' && c != '\\')
      out.push_back(c);
    else if (c == '"')
      out.push_back('\'');
  }
  out += '"';
  return out;
}

std::shared_ptr<const Stage> make_stage(std::shared_ptr<const IdentityConfig> config,
                                        WallClock clock) {
  return std::make_shared<const AuthenticateStage>(std::move(config), std::move(clock));
}

}  // namespace bronpoort::authenticate
