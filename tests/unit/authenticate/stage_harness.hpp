#pragma once
// Runs the authenticate stage on a request the way the pipeline would.

#include "unit/authenticate/token_forge.hpp"

#include <bronpoort/authenticate/stage.hpp>

#include <gtest/gtest.h>

#include <optional>
#include <string>

namespace bronpoort::authenticate::testing {

class AuthenticateStageTest : public ::testing::Test {
 protected:
  TestConfigDir dir_;
  std::shared_ptr<const IdentityConfig> config_ = dir_.load();
  std::shared_ptr<const Stage> stage_ = make_stage(config_, [] { return test_now(); });

  // Runs the stage with `Authorization: <authorization>` (none when nullopt).
  RequestContext run(std::optional<std::string> authorization,
                     std::optional<ClientCertificate> certificate = std::nullopt) const {
    RequestContext ctx;
    if (authorization) ctx.request.headers.add("Authorization", *authorization);
    ctx.request.client_certificate = std::move(certificate);
    std::optional<Flow> flow;
    stage_->run(ctx, [&](Flow f) { flow = f; });
    EXPECT_TRUE(flow.has_value()) << "the stage must resume exactly once, synchronously";
    EXPECT_EQ(flow == Flow::Stop, ctx.refused());
    return ctx;
  }
  RequestContext bearer(const std::string& token,
                        std::optional<ClientCertificate> certificate = std::nullopt) const {
    return run("Bearer " + token, std::move(certificate));
  }

 public:
  static nlohmann::json header(const char* alg, const char* kid) {
    return {{"alg", alg}, {"typ", "JWT"}, {"kid", kid}};
  }
  static std::string ed_token(const nlohmann::json& claims) {
    return make_token(header("EdDSA", "ed-1"), claims, Algorithm::EdDSA, test_keys().ed.get());
  }
};

// Asserts a 401 refusal with `code`, a challenge header and no identity.
#define EXPECT_REFUSED(ctx, expected_code)                                         \
  do {                                                                             \
    const auto& c_ = (ctx);                                                        \
    ASSERT_TRUE(c_.problem.has_value()) << "expected refusal " << (expected_code); \
    EXPECT_EQ(c_.problem->status, 401);                                            \
    EXPECT_EQ(c_.problem->code, (expected_code)) << c_.problem->detail;            \
    EXPECT_FALSE(c_.problem->detail.empty());                                      \
    EXPECT_TRUE(c_.response.headers.find("WWW-Authenticate").has_value());         \
    EXPECT_FALSE(c_.identity.authenticated);                                       \
  } while (0)

}  // namespace bronpoort::authenticate::testing
