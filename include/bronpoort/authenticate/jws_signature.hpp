#pragma once
// JWS signature checks with OpenSSL's EVP interface (RFC 7518 section 3, RFC 8037).

#include <bronpoort/authenticate/config.hpp>

#include <string>
#include <string_view>

namespace bronpoort::authenticate {

enum class SignatureCheck { Valid, WrongLength, Invalid };

// Verifies `signature` (raw bytes, decoded from base64url) over `signing_input` ("header.payload").
// The length must be exact for the algorithm and key: 64 bytes for ES256 (r || s) and EdDSA, the
// modulus size for RS256.
SignatureCheck verify_signature(Algorithm alg, EVP_PKEY* key, std::string_view signing_input,
                                std::string_view signature);

// Signs for the demo issuer and the tests: returns the JWS signature bytes (ES256 as r || s), or
// an empty string when OpenSSL fails.
std::string sign(Algorithm alg, EVP_PKEY* key, std::string_view signing_input);

}  // namespace bronpoort::authenticate
