#pragma once
// The `identity` section of gateway.json, parsed once into an immutable config: the trusted token
// issuers with their public keys (already turned into OpenSSL key objects, so verifying a token
// never parses a key), the clock leeway, the token size limit and the optional demo issuer.

#include <bronpoort/core/config_error.hpp>
#include <bronpoort/core/result.hpp>

#include <openssl/types.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace bronpoort::authenticate {

// The JWS algorithms Bronpoort accepts. HMAC is deliberately absent: a gateway that only holds
// public keys must never treat one as a shared secret (algorithm confusion).
enum class Algorithm { RS256, ES256, EdDSA };

const char* algorithm_name(Algorithm alg);
std::optional<Algorithm> algorithm_from_name(std::string_view name);

using KeyHandle = std::shared_ptr<EVP_PKEY>;

// One public key from an issuer's JWKS. Its key type decides the one algorithm it verifies:
// RSA -> RS256, EC P-256 -> ES256, OKP Ed25519 -> EdDSA.
struct VerificationKey {
  std::string kid;
  Algorithm algorithm = Algorithm::EdDSA;
  KeyHandle key;
};

struct TrustedIssuer {
  std::string issuer;                 // exact `iss` value
  std::string audience;               // must appear in `aud`
  std::vector<Algorithm> algorithms;  // allowed for this issuer
  std::vector<VerificationKey> keys;
  std::string jwks_file;  // as resolved, for messages
  // What the issuer may speak for. Empty means anything: a trusted issuer could then assert any
  // organisation and role, so production configs bind each issuer (check-config warns otherwise).
  std::vector<std::string> organisations;  // OINs its tokens may carry in "org"
  std::vector<std::string> roles;          // roles its tokens may carry

  // Why a verified token's organisation or roles are outside this issuer's remit; nullopt if fine.
  std::optional<std::string> outside_remit(const std::string& organisation,
                                           const std::vector<std::string>& roles) const;

  const VerificationKey* find_key(std::string_view kid) const;
  bool allows(Algorithm alg) const;
};

// Signs demo tokens for `bronpoort token`. Demo only: the private key sits in the repository.
struct DemoIssuer {
  std::string issuer;
  std::string audience;  // of the matching trusted issuer
  std::string kid;
  KeyHandle private_key;  // Ed25519
};

struct IdentityConfig {
  std::vector<TrustedIssuer> issuers;
  std::chrono::seconds leeway{30};
  std::size_t max_token_bytes = 8192;
  std::optional<DemoIssuer> demo_issuer;

  const TrustedIssuer* find_issuer(std::string_view iss) const;
};

// Warnings for a config that loads but should not run in production: a committed demo key that
// is trusted (or a demo issuer) while a listener is reachable beyond loopback, and issuers not
// bound to the organisations they may speak for.
std::vector<std::string> identity_warnings(const IdentityConfig& config, bool loopback_only);

using LoadResult = Result<std::shared_ptr<const IdentityConfig>, ConfigErrors>;

// Parses the `identity` section. Paths (JWKS files, the demo key) are relative to `base_dir`, the
// gateway config's directory. Errors name `config_file` with a JSON pointer under
// `section_pointer`, or the JWKS/key file with a pointer into it. Unknown members are errors.
// An empty section (no `issuers`) is valid and trusts no issuer: every token is refused.
LoadResult load_config(const nlohmann::json& section, const std::filesystem::path& base_dir,
                       const std::string& config_file = "gateway.json",
                       const std::string& section_pointer = "/identity");

// Reads a whole gateway config file and loads its `identity` section (for the CLI).
LoadResult load_config_file(const std::filesystem::path& gateway_config);

}  // namespace bronpoort::authenticate
