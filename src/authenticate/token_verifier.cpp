#include <bronpoort/authenticate/token_verifier.hpp>

#include "strict_json.hpp"
#include "time_claims.hpp"

#include <bronpoort/authenticate/base64url.hpp>
#include <bronpoort/authenticate/jws_signature.hpp>
#include <bronpoort/authenticate/problem_codes.hpp>
#include <bronpoort/core/result.hpp>

#include <algorithm>
#include <cctype>

namespace bronpoort::authenticate {
namespace {

using nlohmann::json;

// Token headers and claim sets are flat; anything nested deeper is not a token we issue or accept.
constexpr int kMaxJsonDepth = 8;

TokenError error(const char* code, std::string detail) {
  return {code, std::move(detail)};
}

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// Decodes and parses one base64url JSON part ("header" or "payload").
Result<json, TokenError> decode_part(std::string_view encoded, const char* part) {
  auto bytes = base64url_decode(encoded);
  if (!bytes) {
    return error(codes::kTokenMalformed, std::string("The token ") + part +
                                             " is not unpadded base64url (RFC 7515 section 2).");
  }
  auto parsed = parse_strict_json(*bytes, kMaxJsonDepth);
  if (!parsed.ok() || !parsed.value.is_object()) {
    return error(codes::kTokenMalformed,
                 std::string("The token ") + part + " " +
                     (parsed.ok() ? std::string("is not a JSON object") : parsed.error) + ".");
  }
  return std::move(parsed.value);
}

// The JOSE header decides the algorithm; everything we do not understand is refused rather than
// ignored (RFC 7515 section 4.1.11 for crit, RFC 8725 section 3.11 for typ).
Result<Algorithm, TokenError> check_header(const json& header) {
  if (header.contains("crit")) {
    return error(codes::kHeaderUnsupported,
                 "The token header has \"crit\" extensions; Bronpoort supports none of them.");
  }
  if (auto typ = header.find("typ"); typ != header.end()) {
    const std::string t = typ->is_string() ? lower(typ->get_ref<const std::string&>()) : "";
    if (t != "jwt" && t != "at+jwt" && t != "application/at+jwt") {
      return error(codes::kHeaderUnsupported,
                   "The token header \"typ\" must be \"JWT\" or \"at+jwt\" for an access token.");
    }
  }
  auto alg = header.find("alg");
  if (alg == header.end() || !alg->is_string()) {
    return error(codes::kTokenMalformed, "The token header has no \"alg\" string.");
  }
  const std::string& name = alg->get_ref<const std::string&>();
  if (lower(name) == "none") {
    return error(codes::kAlgorithmNotAllowed, "Unsigned tokens (alg \"none\") are refused.");
  }
  if (name.rfind("HS", 0) == 0) {
    return error(codes::kAlgorithmNotAllowed,
                 "HMAC algorithms are refused: Bronpoort verifies only with an issuer's public "
                 "keys (use EdDSA, ES256 or RS256).");
  }
  auto parsed = algorithm_from_name(name);
  if (!parsed) {
    return error(codes::kAlgorithmNotAllowed,
                 "The token algorithm is not supported; use EdDSA, ES256 or RS256.");
  }
  if (auto kid = header.find("kid"); kid != header.end() && !kid->is_string()) {
    return error(codes::kTokenMalformed, "The token header \"kid\" must be a string.");
  }
  return *parsed;
}

Result<const VerificationKey*, TokenError> select_key(const TrustedIssuer& issuer,
                                                      const json& header, Algorithm alg) {
  if (!issuer.allows(alg)) {
    return error(codes::kAlgorithmNotAllowed, std::string("Issuer ") + issuer.issuer +
                                                  " is not configured for " + algorithm_name(alg) +
                                                  " tokens.");
  }
  const VerificationKey* key = nullptr;
  if (auto kid = header.find("kid"); kid != header.end()) {
    key = issuer.find_key(kid->get_ref<const std::string&>());
    if (!key) {
      return error(codes::kKeyUnknown, "The token's kid is not in the key set of issuer " +
                                           issuer.issuer + "; the key may have been rotated.");
    }
  } else {
    auto matches = std::count_if(issuer.keys.begin(), issuer.keys.end(),
                                 [&](const VerificationKey& k) { return k.algorithm == alg; });
    if (matches != 1) {
      return error(codes::kKeyUnknown, "The token has no kid and issuer " + issuer.issuer +
                                           " has several keys; the issuer must set kid.");
    }
    key = &*std::find_if(issuer.keys.begin(), issuer.keys.end(),
                         [&](const VerificationKey& k) { return k.algorithm == alg; });
  }
  // The key type fixes the algorithm, so an RSA key can never verify a token claiming ES256 or
  // HS256: the algorithm-confusion attack has nothing to work with.
  if (key->algorithm != alg) {
    return error(codes::kAlgorithmNotAllowed, "Key " + key->kid + " verifies only " +
                                                  algorithm_name(key->algorithm) + " tokens, not " +
                                                  algorithm_name(alg) + ".");
  }
  return key;
}

std::optional<TokenError> check_audience(const json& claims, const std::string& audience) {
  auto aud = claims.find("aud");
  if (aud == claims.end()) {
    return error(codes::kAudienceInvalid,
                 "The token has no \"aud\"; it must name " + audience + ".");
  }
  bool found = false;
  if (aud->is_string()) {
    found = *aud == audience;
  } else if (aud->is_array() && !aud->empty()) {
    for (const auto& a : *aud) {
      if (!a.is_string()) {
        return error(codes::kClaimsInvalid, "The \"aud\" array must hold only strings.");
      }
      found = found || a == audience;
    }
  } else {
    return error(codes::kClaimsInvalid,
                 "\"aud\" must be a string or a non-empty array of strings.");
  }
  if (!found) {
    return error(codes::kAudienceInvalid,
                 "The token is not meant for this gateway: \"aud\" must contain " + audience + ".");
  }
  return std::nullopt;
}

}  // namespace

VerifyResult verify_token(std::string_view token, const IdentityConfig& config,
                          std::chrono::system_clock::time_point now) {
  if (token.empty()) return error(codes::kTokenMissing, "The bearer token is empty.");
  if (token.size() > config.max_token_bytes) {
    return error(codes::kTokenTooLarge,
                 "The token is larger than " + std::to_string(config.max_token_bytes) + " bytes.");
  }
  const auto first = token.find('.');
  const auto second = first == std::string_view::npos ? first : token.find('.', first + 1);
  if (second == std::string_view::npos || token.find('.', second + 1) != std::string_view::npos) {
    return error(codes::kTokenMalformed,
                 "A bearer token must be a signed JWT: three base64url parts separated by dots "
                 "(encrypted JWE tokens are not accepted).");
  }
  auto header = decode_part(token.substr(0, first), "header");
  if (auto* e = std::get_if<TokenError>(&header)) return std::move(*e);
  auto alg = check_header(std::get<json>(header));
  if (auto* e = std::get_if<TokenError>(&alg)) return std::move(*e);
  auto payload = decode_part(token.substr(first + 1, second - first - 1), "payload");
  if (auto* e = std::get_if<TokenError>(&payload)) return std::move(*e);
  json& claims = std::get<json>(payload);

  // `iss` is read before the signature is checked only to choose whose keys to check it with.
  auto iss = claims.find("iss");
  if (iss == claims.end() || !iss->is_string()) {
    return error(codes::kClaimsInvalid, "The token has no \"iss\" string.");
  }
  const TrustedIssuer* issuer = config.find_issuer(iss->get_ref<const std::string&>());
  if (!issuer) {
    return error(codes::kIssuerUnknown, "The token's issuer is not trusted by this gateway.");
  }
  auto key = select_key(*issuer, std::get<json>(header), std::get<Algorithm>(alg));
  if (auto* e = std::get_if<TokenError>(&key)) return std::move(*e);
  const VerificationKey& verification_key = *std::get<const VerificationKey*>(key);

  auto signature = base64url_decode(token.substr(second + 1));
  if (!signature) {
    return error(codes::kTokenMalformed, "The token signature is not unpadded base64url.");
  }
  switch (verify_signature(verification_key.algorithm, verification_key.key.get(),
                           token.substr(0, second), *signature)) {
    case SignatureCheck::Valid:
      break;
    case SignatureCheck::WrongLength:
      return error(codes::kSignatureInvalid,
                   std::string("The signature has the wrong length for ") +
                       algorithm_name(verification_key.algorithm) + "; it may be truncated.");
    case SignatureCheck::Invalid:
      return error(
          codes::kSignatureInvalid,
          "The signature does not verify; the token was altered or signed by another key.");
  }

  if (auto e = check_time_claims(claims, now, config.leeway)) return std::move(*e);
  if (auto e = check_audience(claims, issuer->audience)) return std::move(*e);
  return VerifiedToken{issuer->issuer, verification_key.algorithm, verification_key.kid,
                       std::move(claims)};
}

}  // namespace bronpoort::authenticate
