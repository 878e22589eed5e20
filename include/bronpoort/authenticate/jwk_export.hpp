#pragma once
// The public JWK (RFC 7517) of a key, as an issuer publishes it in its JWKS. Used to build JWKS
// files for tests and benchmarks; the inverse of what the config loader reads.

#include <openssl/types.h>
#include <nlohmann/json.hpp>

#include <string>

namespace bronpoort::authenticate {

// RSA -> {kty RSA, n, e}, EC P-256 -> {kty EC, crv, x, y}, Ed25519 -> {kty OKP, crv, x}; each with
// `kid`. Never includes private members. An empty object for other key types.
nlohmann::json public_jwk(EVP_PKEY* key, const std::string& kid);

}  // namespace bronpoort::authenticate
