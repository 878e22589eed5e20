#pragma once
// The time claims of a verified token: `exp` (required), `nbf` and `iat` (RFC 7519 section 4.1).

#include <bronpoort/authenticate/token_verifier.hpp>

#include <nlohmann/json.hpp>

#include <chrono>
#include <optional>

namespace bronpoort::authenticate {

// `now` and the leeway for clock skew between issuer and gateway decide; a token is expired from
// `exp + leeway` on and valid from `nbf - leeway`. Non-numeric or absurd dates are claims errors.
std::optional<TokenError> check_time_claims(const nlohmann::json& claims,
                                            std::chrono::system_clock::time_point now,
                                            std::chrono::seconds leeway);

}  // namespace bronpoort::authenticate
