#include "unit/authenticate/token_forge.hpp"

#include <bronpoort/authenticate/base64url.hpp>
#include <bronpoort/authenticate/jwk_export.hpp>
#include <bronpoort/authenticate/jws_signature.hpp>

#include <gtest/gtest.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <openssl/rand.h>

#include <fstream>

namespace bronpoort::authenticate::testing {

KeyHandle generate_key(const char* type, const char* param) {
  EVP_PKEY* key = nullptr;
  if (std::string(type) == "RSA") {
    key = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(std::stoul(param)));
  } else if (param) {
    key = EVP_PKEY_Q_keygen(nullptr, nullptr, type, param);
  } else {
    key = EVP_PKEY_Q_keygen(nullptr, nullptr, type);
  }
  return KeyHandle(key, [](EVP_PKEY* p) { EVP_PKEY_free(p); });
}

const TestKeys& test_keys() {
  static const TestKeys keys{generate_key("RSA", "2048"), generate_key("EC", "P-256"),
                             generate_key("ED25519"), generate_key("ED25519")};
  return keys;
}

std::string public_pem(EVP_PKEY* key) {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PUBKEY(bio, key);
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<std::size_t>(len));
  BIO_free(bio);
  return out;
}

std::string b64(const std::string& bytes) {
  return base64url_encode(bytes);
}
std::string b64(const nlohmann::json& j) {
  return base64url_encode(j.dump());
}

std::string make_token(const nlohmann::json& header, const nlohmann::json& claims, Algorithm alg,
                       EVP_PKEY* key) {
  const std::string input = b64(header) + "." + b64(claims);
  const std::string signature = sign(alg, key, input);
  EXPECT_FALSE(signature.empty());
  return input + "." + b64(signature);
}

std::string hs256_token(const nlohmann::json& header, const nlohmann::json& claims,
                        const std::string& secret) {
  const std::string input = b64(header) + "." + b64(claims);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(input.data()), input.size(), mac, &len);
  return input + "." + b64(std::string(reinterpret_cast<char*>(mac), len));
}

std::chrono::system_clock::time_point test_now() {
  return std::chrono::system_clock::time_point(std::chrono::seconds(test_now_seconds()));
}

long long test_now_seconds() {
  return 1795000000;
}  // 2026-11-18

nlohmann::json good_claims() {
  const long long now = test_now_seconds();
  return {{"iss", kIssuer},           {"aud", kAudience}, {"sub", "user-42"}, {"org", kOin},
          {"roles", {"case-worker"}}, {"iat", now - 10},  {"nbf", now - 10},  {"exp", now + 3600}};
}

TestConfigDir::TestConfigDir() {
  unsigned char r[8];
  RAND_bytes(r, sizeof r);
  dir_ = std::filesystem::temp_directory_path() /
         ("bronpoort-auth-test-" + b64(std::string(reinterpret_cast<char*>(r), sizeof r)));
  std::filesystem::create_directories(dir_ / "keys");
  const auto& k = test_keys();
  nlohmann::json all = {{"keys",
                         {public_jwk(k.rsa.get(), "rsa-1"), public_jwk(k.ec.get(), "ec-1"),
                          public_jwk(k.ed.get(), "ed-1")}}};
  write("keys/idp.jwks.json", all.dump(2));
  write("keys/ed-only.jwks.json",
        nlohmann::json{{"keys", {public_jwk(k.ed.get(), "ed-1")}}}.dump(2));
}

TestConfigDir::~TestConfigDir() {
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

void TestConfigDir::write(const std::string& name, const std::string& text) const {
  std::ofstream(dir_ / name, std::ios::binary) << text;
}

nlohmann::json TestConfigDir::identity_section() const {
  return {{"issuers",
           {{{"issuer", kIssuer},
             {"audience", kAudience},
             {"jwks", "keys/idp.jwks.json"},
             {"algorithms", {"EdDSA", "ES256", "RS256"}}},
            {{"issuer", kEdOnlyIssuer},
             {"audience", kAudience},
             {"jwks", "keys/ed-only.jwks.json"},
             {"algorithms", {"EdDSA"}}}}},
          {"leewaySeconds", 30},
          {"maxTokenBytes", 8192}};
}

std::shared_ptr<const IdentityConfig> TestConfigDir::load(const nlohmann::json& section) const {
  auto result = load_config(section, dir_);
  if (auto* errors = std::get_if<ConfigErrors>(&result)) {
    for (const auto& e : *errors) ADD_FAILURE() << e.to_string();
    return nullptr;
  }
  return std::get<std::shared_ptr<const IdentityConfig>>(result);
}

}  // namespace bronpoort::authenticate::testing
