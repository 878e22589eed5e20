#pragma once
// Verifies a compact JWS bearer token (RFC 7515/7519) against the configured issuers: structure,
// strict base64url and JSON, algorithm allow-list, key by `kid`, signature, then the registered
// claims `iss`, `aud`, `exp`, `nbf` and `iat`. It never logs and its errors never quote the token.

#include <bronpoort/authenticate/config.hpp>
#include <bronpoort/core/result.hpp>

#include <nlohmann/json.hpp>

#include <chrono>
#include <string>
#include <string_view>
#include <variant>

namespace bronpoort::authenticate {

// Why a token was refused: a code from problem_codes.hpp and a detail the caller can act on.
struct TokenError {
  std::string code;
  std::string detail;
};

struct VerifiedToken {
  std::string issuer;  // the trusted `iss`
  Algorithm algorithm = Algorithm::EdDSA;
  std::string kid;
  nlohmann::json claims;  // the payload object, signature and time claims checked
};

using VerifyResult = Result<VerifiedToken, TokenError>;

VerifyResult verify_token(std::string_view token, const IdentityConfig& config,
                          std::chrono::system_clock::time_point now);

}  // namespace bronpoort::authenticate
