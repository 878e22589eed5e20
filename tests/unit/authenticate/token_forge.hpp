#pragma once
// Test keys and a token forge: builds honest and malicious tokens for the authenticate tests and
// writes JWKS files so the tests go through the real config loader.

#include <bronpoort/authenticate/config.hpp>
#include <bronpoort/authenticate/jwk_export.hpp>

#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>

namespace bronpoort::authenticate::testing {

// Generated once per test run (RSA key generation takes a while).
struct TestKeys {
  KeyHandle rsa;       // RSA 2048, kid "rsa-1"
  KeyHandle ec;        // P-256, kid "ec-1"
  KeyHandle ed;        // Ed25519, kid "ed-1"
  KeyHandle other_ed;  // Ed25519 that no JWKS trusts
};
const TestKeys& test_keys();

KeyHandle generate_key(const char* type, const char* param = nullptr);

// SubjectPublicKeyInfo PEM of `key`: what an attacker feeds HS256 in an algorithm-confusion attack.
std::string public_pem(EVP_PKEY* key);

std::string b64(const std::string& bytes);
std::string b64(const nlohmann::json& j);

// header.payload.signature with the JWS signature of `alg` made by `key`.
std::string make_token(const nlohmann::json& header, const nlohmann::json& claims, Algorithm alg,
                       EVP_PKEY* key);
std::string hs256_token(const nlohmann::json& header, const nlohmann::json& claims,
                        const std::string& secret);

inline constexpr const char* kIssuer = "https://idp.test.example";
inline constexpr const char* kEdOnlyIssuer = "https://ed-only.test.example";
inline constexpr const char* kAudience = "bronpoort";
inline constexpr const char* kOin = "00000001234567890000";

// A fixed "now" for every test, so time claims are exact.
std::chrono::system_clock::time_point test_now();
long long test_now_seconds();

// Valid claims for kIssuer at test_now(): iss, aud, sub, org, roles, iat, nbf, exp (+1h).
nlohmann::json good_claims();

// A temp directory with JWKS files and a config trusting kIssuer (keys rsa-1, ec-1, ed-1, all
// three algorithms) and kEdOnlyIssuer (ed-1 only, EdDSA only). Removed on destruction.
class TestConfigDir {
 public:
  TestConfigDir();
  ~TestConfigDir();
  const std::filesystem::path& path() const { return dir_; }
  nlohmann::json identity_section() const;
  std::shared_ptr<const IdentityConfig> load(const nlohmann::json& section) const;
  std::shared_ptr<const IdentityConfig> load() const { return load(identity_section()); }
  void write(const std::string& name, const std::string& text) const;

 private:
  std::filesystem::path dir_;
};

}  // namespace bronpoort::authenticate::testing
