#pragma once
// Base64url without padding (RFC 7515 section 2), the encoding of every JWS part and JWK member.

#include <optional>
#include <string>
#include <string_view>

namespace bronpoort::authenticate {

// Decodes strictly: only the url-safe alphabet, no padding, no whitespace, and unused trailing
// bits must be zero. Accepting only the canonical encoding means one signature has exactly one
// textual form, so a token cannot be altered without invalidating it. nullopt on any violation.
std::optional<std::string> base64url_decode(std::string_view in);

std::string base64url_encode(std::string_view bytes);

}  // namespace bronpoort::authenticate
