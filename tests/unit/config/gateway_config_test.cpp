#include <bronpoort/config/gateway_config.hpp>

#include <gtest/gtest.h>

#include <unistd.h>
#include <filesystem>
#include <fstream>

namespace bronpoort::config {
namespace {

class GatewayConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("bronpoort-cfg-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path write(const std::string& content) {
    auto p = dir_ / "gateway.json";
    std::ofstream(p) << content;
    return p;
  }
  // The errors for a config, as "pointer: reason" strings.
  std::vector<std::string> errors(const std::string& content) {
    std::vector<std::string> out;
    for (const auto& e : load_gateway_config(write(content)).errors) {
      out.push_back(e.pointer + ": " + e.reason);
    }
    return out;
  }
  std::filesystem::path dir_;
};

TEST_F(GatewayConfigTest, LoadsValidConfigWithDefaultsAndSections) {
  auto r = load_gateway_config(write(R"({
    "server": {"listeners": [{"address": "127.0.0.1", "port": 8080}],
               "limits": {"maxBodyBytes": 2048, "headerTimeoutMs": 500}},
    "identity": {"leewaySeconds": 10}})"));
  ASSERT_TRUE(r.config) << (r.errors.empty() ? "" : r.errors[0].to_string());
  EXPECT_EQ(r.config->server.listeners.at(0).port, 8080);
  EXPECT_EQ(r.config->server.limits.max_body_bytes, 2048u);
  EXPECT_EQ(r.config->server.limits.header_timeout.count(), 500);
  EXPECT_EQ(r.config->server.limits.max_header_bytes, 16384u);  // default
  EXPECT_EQ(r.config->identity["leewaySeconds"], 10);
  EXPECT_EQ(r.config->base_dir, std::filesystem::absolute(dir_));
}

// Fuzzing finding F2 (docs/fuzzing.md): 1e309 is not a syntax error but nlohmann's out_of_range,
// which used to escape the loader, and on SIGHUP end the running gateway.
TEST_F(GatewayConfigTest, NumberTooLargeIsAConfigError) {
  GatewayConfigResult r;
  EXPECT_NO_THROW(r = load_gateway_config(write(R"({"server":1e309})")));
  ASSERT_FALSE(r.config);
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].file, (dir_ / "gateway.json").string());
  EXPECT_NE(r.errors[0].reason.find("not usable JSON"), std::string::npos) << r.errors[0].reason;
}

TEST_F(GatewayConfigTest, ReportsFileAndPointerForEveryProblem) {
  auto r =
      load_gateway_config(write(R"({"server": {"listeners": [{"port": "80"}], "threads": -1}})"));
  ASSERT_FALSE(r.config);
  ASSERT_EQ(r.errors.size(), 2u);
  EXPECT_EQ(r.errors[0].file, (dir_ / "gateway.json").string());
  EXPECT_EQ(r.errors[0].pointer, "/server/listeners/0/port");
  EXPECT_EQ(r.errors[0].reason,
            "expected integer, got string [schema "
            "gateway.schema.json#/$defs/listener/properties/port/type]");
  EXPECT_EQ(r.errors[1].pointer, "/server/threads");
  EXPECT_EQ(r.errors[1].reason,
            "value -1 must be >= 0 [schema "
            "gateway.schema.json#/$defs/server/properties/threads/minimum]");
}

// Every section is checked against the shipped schema at load, not only when its stage reads it.
TEST_F(GatewayConfigTest, SectionsAreCheckedAgainstTheSchemaToo) {
  auto e = errors(R"({"server": {"listeners": [{"port": 1}]},
      "store": {"kind": "sqlite", "path": "x.db", "dsn": "host=db"},
      "identity": {"issuers": [{"issuer": "i", "audience": "a", "jwks": "k.json",
                                "algorithms": ["HS256"]}]},
      "catalog": {"contact": {"name": "n", "email": "no-at-sign", "url": "u"}},
      "sources": {"directory": "sources"}})");
  EXPECT_EQ(
      e,
      (std::vector<std::string>{
          ": property 'access' is required when 'sources' is present [schema "
          "gateway.schema.json#/dependentRequired]",
          ": property 'processingLog' is required when 'sources' is present [schema "
          "gateway.schema.json#/dependentRequired]",
          "/catalog/contact/email: string does not match pattern /^[^@\\s]+@[^@\\s]+$/ [schema "
          "gateway.schema.json#/$defs/catalog/properties/contact/properties/email/pattern]",
          R"(/identity/issuers/0/algorithms/0: value must be one of ["EdDSA","ES256","RS256"] [schema gateway.schema.json#/$defs/issuer/properties/algorithms/items/enum])",
          "/store/dsn: no value is allowed here (the schema is `false`) [schema "
          "gateway.schema.json#/$defs/store/then/properties/dsn]"}));
}

TEST_F(GatewayConfigTest, UnknownKeysAreErrorsAtEveryLevel) {
  auto e = errors(R"({"server": {"listeners": [{"port": 1, "adress": "x"}],
                                 "limits": {"maxBodyByte": 1}}, "sourcse": {}})");
  ASSERT_EQ(e.size(), 3u);
  EXPECT_EQ(e[0].rfind("/server/limits/maxBodyByte: property 'maxBodyByte' is not allowed", 0), 0u)
      << e[0];
  EXPECT_NE(e[0].find("allowed: bodyTimeoutMs, headerTimeoutMs, idleTimeoutMs, maxBodyBytes,"),
            std::string::npos)
      << e[0];
  EXPECT_EQ(e[1].rfind("/server/listeners/0/adress: property 'adress' is not allowed", 0), 0u)
      << e[1];
  EXPECT_EQ(e[2].rfind("/sourcse: property 'sourcse' is not allowed", 0), 0u) << e[2];
}

TEST_F(GatewayConfigTest, RejectsBadValuesAndShapes) {
  EXPECT_FALSE(errors(R"({"server": {"listeners": []}})").empty());
  EXPECT_FALSE(errors(R"({"server": {"listeners": [{"port": 70000}]}})").empty());
  EXPECT_FALSE(errors(R"({"server": {"listeners": [{"port": 1}], "logLevel": "loud"}})").empty());
  EXPECT_FALSE(
      errors(R"({"server": {"listeners": [{"port": 1}], "limits": {"headerTimeoutMs": 1}}})")
          .empty());
  EXPECT_FALSE(
      errors(R"({"server": {"listeners": [{"port": 1, "tls": {"certificateFile": "x"}}]}})")
          .empty());
  EXPECT_FALSE(errors(R"({"server": {"listeners": [{"port": 1}]}, "sources": []})").empty());
  EXPECT_FALSE(errors(R"([])").empty());
  EXPECT_FALSE(errors(R"({})").empty());
  EXPECT_FALSE(errors(R"({"server": {"listeners": [{"port": 18446744073709551615}]}})").empty());
}

TEST_F(GatewayConfigTest, MutualTlsWithoutClientCaIsAnError) {
  std::ofstream(dir_ / "c.pem") << "x";
  auto e = errors(R"({"server": {"listeners": [{"port": 1, "tls": {"certificateFile": "c.pem",
      "privateKeyFile": "c.pem", "requireClientCertificate": true}}]}})");
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0],
            "/server/listeners/0/tls: required property 'clientCaFile' is missing [schema "
            "gateway.schema.json#/$defs/tls/then/required]");
}

TEST_F(GatewayConfigTest, InvalidJsonAndMissingFileAreReported) {
  auto bad = load_gateway_config(write("{\"server\": "));
  ASSERT_EQ(bad.errors.size(), 1u);
  EXPECT_NE(bad.errors[0].reason.find("not valid JSON"), std::string::npos);
  auto missing = load_gateway_config(dir_ / "nope.json");
  ASSERT_EQ(missing.errors.size(), 1u);
  EXPECT_EQ(missing.errors[0].reason, "cannot open file");
}

}  // namespace
}  // namespace bronpoort::config
