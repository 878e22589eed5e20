#pragma once
// Reads a JWKS file (RFC 7517) into verification keys.

#include <bronpoort/authenticate/config.hpp>
#include <bronpoort/core/config_error.hpp>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>
#include <vector>

namespace bronpoort::authenticate {

struct JwksLoad {
  std::vector<VerificationKey> keys;
  ConfigErrors errors;
};

// Parses a JWK Set. `file` names the source in errors. Accepts RSA (>= 2048 bits), EC P-256 and
// OKP Ed25519 public keys with a unique `kid`; refuses symmetric keys, private key members, and
// `use`/`key_ops`/`alg` that say the key is not for verifying our algorithms.
JwksLoad parse_jwks(const nlohmann::json& jwks, const std::string& file);

// Reads and parses a JWKS file (strict JSON: duplicate members are refused).
JwksLoad load_jwks_file(const std::filesystem::path& path, const std::string& file);

}  // namespace bronpoort::authenticate
