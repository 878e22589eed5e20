// The identity section loader: typed config or precise errors (file, JSON pointer, reason).

#include "unit/authenticate/token_forge.hpp"

#include <bronpoort/authenticate/base64url.hpp>

#include <gtest/gtest.h>
#include <openssl/pem.h>

#include <cstdio>

namespace bronpoort::authenticate::testing {
namespace {

using nlohmann::json;

ConfigErrors errors_of(const LoadResult& result) {
  auto* errors = std::get_if<ConfigErrors>(&result);
  return errors ? *errors : ConfigErrors{};
}

bool has_error(const ConfigErrors& errors, const std::string& pointer,
               const std::string& reason_part) {
  for (const auto& e : errors) {
    if (e.pointer == pointer && e.reason.find(reason_part) != std::string::npos) return true;
  }
  return false;
}

std::string dump_errors(const ConfigErrors& errors) {
  std::string out;
  for (const auto& e : errors) out += e.to_string() + "\n";
  return out;
}

void write_private_pem(const TestConfigDir& dir, const std::string& name, EVP_PKEY* key) {
  FILE* f = std::fopen((dir.path() / name).c_str(), "wb");
  ASSERT_NE(f, nullptr);
  PEM_write_PrivateKey(f, key, nullptr, nullptr, 0, nullptr, nullptr);
  std::fclose(f);
}

TEST(IdentityConfig, LoadsIssuersKeysAndLimits) {
  TestConfigDir dir;
  auto section = dir.identity_section();
  section["leewaySeconds"] = 5;
  section["maxTokenBytes"] = 4096;
  auto config = dir.load(section);
  ASSERT_TRUE(config);
  EXPECT_EQ(config->leeway, std::chrono::seconds(5));
  EXPECT_EQ(config->max_token_bytes, 4096u);
  const TrustedIssuer* idp = config->find_issuer(kIssuer);
  ASSERT_NE(idp, nullptr);
  EXPECT_EQ(idp->keys.size(), 3u);
  EXPECT_EQ(idp->find_key("rsa-1")->algorithm, Algorithm::RS256);
  EXPECT_EQ(idp->find_key("ec-1")->algorithm, Algorithm::ES256);
  EXPECT_EQ(idp->find_key("ed-1")->algorithm, Algorithm::EdDSA);
  EXPECT_FALSE(config->demo_issuer.has_value());
}

TEST(IdentityConfig, UnknownMembersAndBadValuesAreErrorsWithPointers) {
  TestConfigDir dir;
  auto section = dir.identity_section();
  section["leeway"] = 30;
  section["maxTokenBytes"] = 10;
  section["issuers"][0]["algorithms"] = json::array({"EdDSA", "HS256", "EdDSA"});
  section["issuers"][1]["jwksUrl"] = "https://x";
  auto errors = errors_of(load_config(section, dir.path()));
  EXPECT_TRUE(has_error(errors, "/identity/leeway", "unknown member")) << dump_errors(errors);
  EXPECT_TRUE(has_error(errors, "/identity/maxTokenBytes", "from 512")) << dump_errors(errors);
  EXPECT_TRUE(has_error(errors, "/identity/issuers/0/algorithms/1", "HMAC")) << dump_errors(errors);
  EXPECT_TRUE(has_error(errors, "/identity/issuers/0/algorithms/2", "twice"))
      << dump_errors(errors);
  EXPECT_TRUE(has_error(errors, "/identity/issuers/1/jwksUrl", "unknown")) << dump_errors(errors);
  for (const auto& e : errors) EXPECT_EQ(e.file, "gateway.json");
}

TEST(IdentityConfig, EmptySectionTrustsNoIssuer) {
  TestConfigDir dir;
  auto config = dir.load(json::object());
  ASSERT_TRUE(config);
  EXPECT_TRUE(config->issuers.empty());
  EXPECT_EQ(config->find_issuer(kIssuer), nullptr);
  EXPECT_TRUE(has_error(errors_of(load_config(json{{"issuers", "x"}}, dir.path())),
                        "/identity/issuers", "array"));
}

TEST(IdentityConfig, MissingJwksFileNamesTheFile) {
  TestConfigDir dir;
  auto section = dir.identity_section();
  section["issuers"][0]["jwks"] = "keys/absent.jwks.json";
  auto errors = errors_of(load_config(section, dir.path()));
  ASSERT_EQ(errors.size(), 1u) << dump_errors(errors);
  EXPECT_EQ(errors[0].file, (dir.path() / "keys/absent.jwks.json").string());
  EXPECT_EQ(errors[0].reason, "cannot be read");
}

TEST(IdentityConfig, RefusesUnsafeJwksEntries) {
  TestConfigDir dir;
  const auto& k = test_keys();
  auto with_private = public_jwk(k.ed.get(), "a");
  with_private["d"] = b64(std::string(32, '\1'));
  auto wrong_alg = public_jwk(k.ec.get(), "b");
  wrong_alg["alg"] = "HS256";
  auto weak_rsa = public_jwk(generate_key("RSA", "1024").get(), "c");
  json off_curve = public_jwk(k.ec.get(), "d");
  off_curve["y"] = b64(std::string(32, '\x01'));
  json jwks = {{"keys",
                {with_private,
                 wrong_alg,
                 weak_rsa,
                 off_curve,
                 {{"kty", "oct"}, {"kid", "e"}, {"k", "c2VjcmV0"}},
                 public_jwk(k.ed.get(), "a")}}};
  dir.write("keys/idp.jwks.json", jwks.dump());
  auto errors = errors_of(load_config(dir.identity_section(), dir.path()));
  EXPECT_TRUE(has_error(errors, "/keys/0/d", "private key material")) << dump_errors(errors);
  EXPECT_TRUE(has_error(errors, "/keys/1/alg", "ES256")) << dump_errors(errors);
  EXPECT_TRUE(has_error(errors, "/keys/2/n", "2048")) << dump_errors(errors);
  EXPECT_TRUE(has_error(errors, "/keys/3", "P-256")) << dump_errors(errors);
  EXPECT_TRUE(has_error(errors, "/keys/4/kty", "symmetric")) << dump_errors(errors);
  EXPECT_TRUE(has_error(errors, "/keys/5/kid", "twice")) << dump_errors(errors);
}

TEST(IdentityConfig, JwksWithoutKeyForAnyAllowedAlgorithmIsAnError) {
  TestConfigDir dir;
  auto section = dir.identity_section();
  section["issuers"][1]["algorithms"] = json::array({"RS256"});  // ed-only.jwks.json: Ed25519
  auto errors = errors_of(load_config(section, dir.path()));
  EXPECT_TRUE(has_error(errors, "/identity/issuers/1/jwks", "no key")) << dump_errors(errors);
}

TEST(IdentityConfig, RefusesJwksWithDuplicateMembers) {
  TestConfigDir dir;
  dir.write("keys/idp.jwks.json", R"({"keys": [], "keys": [{"kty": "OKP"}]})");
  auto errors = errors_of(load_config(dir.identity_section(), dir.path()));
  EXPECT_TRUE(has_error(errors, "", "twice")) << dump_errors(errors);
}

TEST(IdentityConfig, DemoIssuerKeyMustMatchItsPublishedKey) {
  TestConfigDir dir;
  write_private_pem(dir, "keys/demo.pem", test_keys().ed.get());
  write_private_pem(dir, "keys/wrong.pem", test_keys().other_ed.get());
  auto section = dir.identity_section();
  section["demoIssuer"] = {{"issuer", kIssuer}, {"privateKey", "keys/demo.pem"}, {"kid", "ed-1"}};
  auto config = dir.load(section);
  ASSERT_TRUE(config);
  ASSERT_TRUE(config->demo_issuer.has_value());
  EXPECT_EQ(config->demo_issuer->audience, kAudience);

  section["demoIssuer"]["privateKey"] = "keys/wrong.pem";
  EXPECT_TRUE(has_error(errors_of(load_config(section, dir.path())),
                        "/identity/demoIssuer/privateKey", "does not match"));
  section["demoIssuer"]["privateKey"] = "keys/demo.pem";
  section["demoIssuer"]["kid"] = "rsa-1";
  EXPECT_TRUE(has_error(errors_of(load_config(section, dir.path())), "/identity/demoIssuer/kid",
                        "Ed25519"));
  section["demoIssuer"]["kid"] = "ed-1";
  section["demoIssuer"]["issuer"] = "https://elsewhere.example";
  EXPECT_TRUE(has_error(errors_of(load_config(section, dir.path())), "/identity/demoIssuer/issuer",
                        "one of the issuers"));
}

TEST(IdentityConfig, RepositoryDemoKeysLoad) {
  // The demo keys under config/keys and the section the lead puts in config/gateway.json.
  const json section = {{"issuers",
                         {{{"issuer", "https://demo-idp.bronpoort.example"},
                           {"audience", "bronpoort"},
                           {"jwks", "keys/demo-issuer.jwks.json"},
                           {"algorithms", {"EdDSA"}}}}},
                        {"demoIssuer",
                         {{"issuer", "https://demo-idp.bronpoort.example"},
                          {"privateKey", "keys/demo-issuer-ed25519.pem"},
                          {"kid", "demo-2026"}}}};
  auto result = load_config(section, std::filesystem::path(BRONPOORT_SOURCE_DIR) / "config");
  ASSERT_TRUE(std::holds_alternative<std::shared_ptr<const IdentityConfig>>(result))
      << dump_errors(errors_of(result));
}

TEST(Base64url, DecodesOnlyCanonicalUnpaddedInput) {
  EXPECT_EQ(base64url_decode("aGk"), "hi");
  EXPECT_EQ(base64url_decode(""), "");
  EXPECT_EQ(base64url_encode("\xfb\xff"), "-_8");
  EXPECT_EQ(base64url_decode("-_8"), "\xfb\xff");
  EXPECT_FALSE(base64url_decode("aGk="));   // padding
  EXPECT_FALSE(base64url_decode("aG+k"));   // standard alphabet
  EXPECT_FALSE(base64url_decode("aG k"));   // whitespace
  EXPECT_FALSE(base64url_decode("aGl"));    // non-zero unused bits: "aGk" is the canonical form
  EXPECT_FALSE(base64url_decode("aGkha"));  // length 1 mod 4
}

}  // namespace
}  // namespace bronpoort::authenticate::testing
