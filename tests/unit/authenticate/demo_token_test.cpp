// `bronpoort token`: issues tokens the gateway accepts, only for a demo configuration.

#include "unit/authenticate/token_forge.hpp"

#include <bronpoort/authenticate/demo_token.hpp>
#include <bronpoort/authenticate/identity_claims.hpp>
#include <bronpoort/authenticate/token_verifier.hpp>

#include <gtest/gtest.h>
#include <openssl/pem.h>

#include <sstream>

namespace bronpoort::authenticate::testing {
namespace {

using nlohmann::json;

class DemoTokenCommand : public ::testing::Test {
 protected:
  void SetUp() override {
    FILE* f = std::fopen((dir_.path() / "keys/demo.pem").c_str(), "wb");
    ASSERT_NE(f, nullptr);
    PEM_write_PrivateKey(f, test_keys().ed.get(), nullptr, nullptr, 0, nullptr, nullptr);
    std::fclose(f);
    auto identity = dir_.identity_section();
    identity["demoIssuer"] = {
        {"issuer", kIssuer}, {"privateKey", "keys/demo.pem"}, {"kid", "ed-1"}};
    dir_.write("gateway.json", json{{"identity", identity}}.dump());
    identity.erase("demoIssuer");
    dir_.write("production.json", json{{"identity", identity}}.dump());
  }

  int run(std::vector<std::string> args) {
    out_.str("");
    err_.str("");
    return run_token_command(args, out_, err_);
  }

  std::string config() const { return (dir_.path() / "gateway.json").string(); }

  TestConfigDir dir_;
  std::ostringstream out_;
  std::ostringstream err_;
};

TEST_F(DemoTokenCommand, IssuesTokenTheGatewayAccepts) {
  ASSERT_EQ(run({"--config", config(), "--sub", "alice", "--org", kOin, "--role", "case-worker",
                 "--role", "analyst", "--purpose", "bijstand-intake", "--ttl", "600"}),
            0)
      << err_.str();
  std::string token = out_.str();
  ASSERT_EQ(token.back(), '\n');
  token.pop_back();

  auto verified = verify_token(token, *dir_.load(), std::chrono::system_clock::now());
  ASSERT_TRUE(std::holds_alternative<VerifiedToken>(verified))
      << std::get<TokenError>(verified).detail;
  const auto& claims = std::get<VerifiedToken>(verified).claims;
  EXPECT_EQ(claims["exp"].get<long long>() - claims["iat"].get<long long>(), 600);
  auto identity = identity_from_claims(std::get<VerifiedToken>(verified), std::nullopt);
  ASSERT_TRUE(std::holds_alternative<Identity>(identity));
  EXPECT_EQ(std::get<Identity>(identity).subject, "alice");
  EXPECT_EQ(std::get<Identity>(identity).roles,
            (std::vector<std::string>{"case-worker", "analyst"}));
  EXPECT_EQ(*std::get<Identity>(identity).allowed_purposes,
            std::vector<std::string>{"bijstand-intake"});
}

TEST_F(DemoTokenCommand, RefusesWithoutDemoIssuer) {
  EXPECT_EQ(run({"--config", (dir_.path() / "production.json").string(), "--sub", "alice", "--org",
                 kOin, "--role", "case-worker"}),
            1);
  EXPECT_TRUE(out_.str().empty());
  EXPECT_NE(err_.str().find("demoIssuer"), std::string::npos);
}

TEST_F(DemoTokenCommand, RefusesClaimsTheGatewayWouldRefuse) {
  EXPECT_EQ(run({"--config", config(), "--sub", "a", "--org", "123", "--role", "x"}), 2);
  EXPECT_NE(err_.str().find("OIN"), std::string::npos);
  EXPECT_EQ(run({"--config", config(), "--sub", "a", "--org", kOin}), 2);
  EXPECT_EQ(run({"--config", config(), "--sub", "a", "--org", kOin, "--role", "case-worker",
                 "--bsn", "111222333"}),
            2);
  EXPECT_EQ(run({"--config", config(), "--sub", "a", "--org", kOin, "--role", "data-subject",
                 "--bsn", "111222334"}),
            2);
  EXPECT_EQ(
      run({"--config", config(), "--sub", "a", "--org", kOin, "--role", "x", "--ttl", "forever"}),
      2);
  EXPECT_EQ(run({"--config", config(), "--bogus", "1"}), 2);
  EXPECT_TRUE(out_.str().empty());
}

TEST_F(DemoTokenCommand, CitizenTokenCarriesBsn) {
  ASSERT_EQ(run({"--config", config(), "--sub", "burger", "--org", kOin, "--role", "data-subject",
                 "--bsn", "111222333"}),
            0)
      << err_.str();
  std::string token = out_.str();
  token.pop_back();
  auto verified = verify_token(token, *dir_.load(), std::chrono::system_clock::now());
  ASSERT_TRUE(std::holds_alternative<VerifiedToken>(verified));
  auto identity = identity_from_claims(std::get<VerifiedToken>(verified), std::nullopt);
  ASSERT_TRUE(std::holds_alternative<Identity>(identity));
  EXPECT_EQ(std::get<Identity>(identity).bsn, "111222333");
}

}  // namespace
}  // namespace bronpoort::authenticate::testing
