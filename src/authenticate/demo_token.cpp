#include <bronpoort/authenticate/demo_token.hpp>

#include <bronpoort/authenticate/base64url.hpp>
#include <bronpoort/authenticate/identity_claims.hpp>
#include <bronpoort/authenticate/jws_signature.hpp>

#include <openssl/rand.h>
#include <nlohmann/json.hpp>

#include <array>

namespace bronpoort::authenticate {
namespace {

constexpr std::chrono::seconds kMaxTtl{24 * 3600};

std::string check_request(const DemoTokenRequest& r) {
  if (r.subject.empty() || r.subject.size() > 256) return "--sub must be 1 to 256 bytes";
  if (!is_oin(r.organisation)) return "--org must be an OIN: 20 digits";
  if (r.roles.empty()) return "at least one --role is required";
  for (const auto& role : r.roles) {
    if (!is_claim_name(role)) return "--role " + role + " is not a valid role name";
  }
  for (const auto& p : r.purposes) {
    if (!is_claim_name(p)) return "--purpose " + p + " is not a valid purpose id";
  }
  const bool data_subject =
      std::find(r.roles.begin(), r.roles.end(), common::roles::kDataSubject) != r.roles.end();
  if (r.bsn && !data_subject) return "--bsn is only allowed with --role data-subject";
  if (data_subject && !r.bsn) return "--role data-subject requires --bsn";
  if (r.bsn && !is_valid_bsn(*r.bsn)) return "--bsn must be 9 digits passing the 11-proef";
  if (r.ttl.count() < 1 || r.ttl > kMaxTtl) return "--ttl must be 1 to 86400 seconds";
  return {};
}

std::string random_id() {
  std::array<unsigned char, 16> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) return {};
  return base64url_encode(std::string_view(reinterpret_cast<char*>(bytes.data()), bytes.size()));
}

}  // namespace

IssuedToken issue_demo_token(const DemoIssuer& issuer, const DemoTokenRequest& request,
                             std::chrono::system_clock::time_point now) {
  if (auto problem = check_request(request); !problem.empty()) return {{}, problem};
  const auto iat = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  nlohmann::json header = {{"alg", "EdDSA"}, {"typ", "JWT"}, {"kid", issuer.kid}};
  nlohmann::json claims = {{"iss", issuer.issuer},
                           {"aud", issuer.audience},
                           {"sub", request.subject},
                           {"org", request.organisation},
                           {"roles", request.roles},
                           {"iat", iat},
                           {"nbf", iat},
                           {"exp", iat + request.ttl.count()},
                           {"jti", random_id()}};
  if (!request.purposes.empty()) claims["purposes"] = request.purposes;
  if (request.bsn) claims["bsn"] = *request.bsn;
  const std::string signing_input =
      base64url_encode(header.dump()) + "." + base64url_encode(claims.dump());
  const std::string signature = sign(Algorithm::EdDSA, issuer.private_key.get(), signing_input);
  if (signature.empty()) return {{}, "signing with the demo issuer key failed"};
  return {signing_input + "." + base64url_encode(signature), {}};
}

}  // namespace bronpoort::authenticate
