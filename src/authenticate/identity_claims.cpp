#include <bronpoort/authenticate/identity_claims.hpp>

#include <bronpoort/authenticate/problem_codes.hpp>

#include <openssl/crypto.h>

#include <algorithm>

namespace bronpoort::authenticate {
namespace {

using nlohmann::json;

constexpr std::size_t kMaxSubjectBytes = 256;
constexpr std::size_t kMaxRoles = 32;
constexpr std::size_t kMaxPurposes = 64;
constexpr std::size_t kMaxNameBytes = 64;

TokenError claims_error(std::string detail) {
  return {codes::kClaimsInvalid, std::move(detail)};
}

bool all_digits(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Reads an array of names; nullopt with `problem` set when it is not one.
std::optional<std::vector<std::string>> name_list(const json& value, const char* claim,
                                                  std::size_t max, std::string& problem) {
  if (!value.is_array() || value.size() > max) {
    problem = std::string("\"") + claim + "\" must be an array of at most " + std::to_string(max) +
              " names.";
    return std::nullopt;
  }
  std::vector<std::string> names;
  for (const auto& v : value) {
    if (!v.is_string() || !is_claim_name(v.get_ref<const std::string&>())) {
      problem = std::string("Every entry of \"") + claim +
                "\" must be a name of 1 to 64 characters from A-Z a-z 0-9 . _ : -.";
      return std::nullopt;
    }
    names.push_back(v.get<std::string>());
  }
  return names;
}

// Certificate-bound identity: the organisation in the certificate and in the token are one.
std::optional<TokenError> check_certificate(const json& claims, const Identity& identity,
                                            const std::optional<ClientCertificate>& certificate) {
  auto cnf = claims.find("cnf");
  if (cnf != claims.end()) {
    if (!cnf->is_object() || cnf->size() != 1 || !cnf->contains("x5t#S256") ||
        !(*cnf)["x5t#S256"].is_string()) {
      return claims_error(
          "\"cnf\" may only hold \"x5t#S256\" (RFC 8705); other bindings such as "
          "DPoP keys cannot be checked by this gateway.");
    }
    const std::string& bound = (*cnf)["x5t#S256"].get_ref<const std::string&>();
    if (!certificate) {
      return TokenError{codes::kCertificateMismatch,
                        "The token is bound to a client certificate; call over mutual TLS with "
                        "that certificate."};
    }
    const std::string& actual = certificate->sha256_thumbprint;
    if (bound.size() != actual.size() ||
        CRYPTO_memcmp(bound.data(), actual.data(), bound.size()) != 0) {
      return TokenError{codes::kCertificateMismatch,
                        "The token is bound to another client certificate (cnf.x5t#S256)."};
    }
  }
  if (certificate && identity.certificate_oin != identity.organisation) {
    return TokenError{codes::kCertificateMismatch,
                      "The OIN in the client certificate differs from the token's \"org\"; use a "
                      "token issued to the organisation that owns the certificate."};
  }
  return std::nullopt;
}

}  // namespace

bool is_oin(std::string_view s) {
  return s.size() == 20 && all_digits(s);
}

bool is_valid_bsn(std::string_view s) {
  if (s.size() != 9 || !all_digits(s) || s == "000000000") return false;
  int sum = 0;
  for (int i = 0; i < 8; ++i) sum += (9 - i) * (s[static_cast<std::size_t>(i)] - '0');
  sum -= s[8] - '0';
  return sum % 11 == 0;
}

bool is_claim_name(std::string_view s) {
  return !s.empty() && s.size() <= kMaxNameBytes && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == ':' || c == '-';
  });
}

IdentityResult identity_from_claims(const VerifiedToken& token,
                                    const std::optional<ClientCertificate>& certificate) {
  const json& claims = token.claims;
  Identity id;
  id.issuer = token.issuer;

  auto sub = claims.find("sub");
  if (sub == claims.end() || !sub->is_string() || sub->get_ref<const std::string&>().empty() ||
      sub->get_ref<const std::string&>().size() > kMaxSubjectBytes) {
    return claims_error("\"sub\" must be a string of 1 to 256 bytes naming the user.");
  }
  id.subject = sub->get<std::string>();

  auto org = claims.find("org");
  if (org == claims.end() || !org->is_string() || !is_oin(org->get_ref<const std::string&>())) {
    return claims_error("\"org\" must be the OIN of the calling organisation: 20 digits.");
  }
  id.organisation = org->get<std::string>();

  std::string problem;
  auto roles = claims.find("roles");
  if (roles == claims.end()) return claims_error("The token has no \"roles\" array.");
  auto role_names = name_list(*roles, "roles", kMaxRoles, problem);
  if (!role_names) return claims_error(problem);
  if (role_names->empty()) return claims_error("\"roles\" must name at least one role.");
  id.roles = std::move(*role_names);

  if (auto purposes = claims.find("purposes"); purposes != claims.end()) {
    auto names = name_list(*purposes, "purposes", kMaxPurposes, problem);
    if (!names) return claims_error(problem);
    id.allowed_purposes = std::move(*names);
  }

  const bool data_subject = id.has_role(common::roles::kDataSubject);
  if (auto bsn = claims.find("bsn"); bsn != claims.end()) {
    if (!data_subject) {
      return claims_error("\"bsn\" is only allowed in a token with role data-subject.");
    }
    if (!bsn->is_string() || !is_valid_bsn(bsn->get_ref<const std::string&>())) {
      return claims_error("\"bsn\" must be a string of 9 digits that passes the 11-proef.");
    }
    id.bsn = bsn->get<std::string>();
  } else if (data_subject) {
    return claims_error("A token with role data-subject must carry the citizen's \"bsn\".");
  }

  if (certificate) id.certificate_oin = certificate->serial_number;
  if (auto e = check_certificate(claims, id, certificate)) return std::move(*e);
  id.authenticated = true;
  return id;
}

}  // namespace bronpoort::authenticate
