// What the stage does with honest requests: anonymous without a header, an Identity from a valid
// token for each algorithm, the certificate binding of mTLS, and refusals of malformed headers.

#include "unit/authenticate/stage_harness.hpp"

#include <bronpoort/authenticate/identity_claims.hpp>
#include <bronpoort/authenticate/problem_codes.hpp>

#include <atomic>
#include <thread>

namespace bronpoort::authenticate::testing {
namespace {

using nlohmann::json;

TEST_F(AuthenticateStageTest, NoAuthorizationHeaderContinuesAnonymously) {
  auto ctx = run(std::nullopt);
  EXPECT_FALSE(ctx.refused());
  EXPECT_FALSE(ctx.identity.authenticated);
  EXPECT_FALSE(ctx.response.headers.find("WWW-Authenticate").has_value());
  EXPECT_STREQ(stage_->name(), "authenticate");
}

TEST_F(AuthenticateStageTest, AcceptsEdDsaTokenAndFillsIdentity) {
  auto claims = good_claims();
  claims["roles"] = json::array({"case-worker", "analyst"});
  claims["purposes"] = json::array({"bijstand-intake"});
  auto ctx = bearer(ed_token(claims));
  ASSERT_FALSE(ctx.refused()) << ctx.problem->code << ": " << ctx.problem->detail;
  EXPECT_TRUE(ctx.identity.authenticated);
  EXPECT_EQ(ctx.identity.issuer, kIssuer);
  EXPECT_EQ(ctx.identity.subject, "user-42");
  EXPECT_EQ(ctx.identity.organisation, kOin);
  EXPECT_EQ(ctx.identity.roles, (std::vector<std::string>{"case-worker", "analyst"}));
  ASSERT_TRUE(ctx.identity.allowed_purposes.has_value());
  EXPECT_EQ(*ctx.identity.allowed_purposes, std::vector<std::string>{"bijstand-intake"});
  EXPECT_FALSE(ctx.identity.bsn.has_value());
  EXPECT_FALSE(ctx.identity.certificate_oin.has_value());
}

TEST_F(AuthenticateStageTest, AcceptsEs256Token) {
  auto token =
      make_token(header("ES256", "ec-1"), good_claims(), Algorithm::ES256, test_keys().ec.get());
  auto ctx = bearer(token);
  ASSERT_FALSE(ctx.refused()) << ctx.problem->detail;
  EXPECT_TRUE(ctx.identity.authenticated);
  EXPECT_FALSE(ctx.identity.allowed_purposes.has_value());
}

TEST_F(AuthenticateStageTest, AcceptsRs256Token) {
  auto token =
      make_token(header("RS256", "rsa-1"), good_claims(), Algorithm::RS256, test_keys().rsa.get());
  auto ctx = bearer(token);
  ASSERT_FALSE(ctx.refused()) << ctx.problem->detail;
  EXPECT_EQ(ctx.identity.subject, "user-42");
}

TEST_F(AuthenticateStageTest, AcceptsLowerCaseSchemeAndAccessTokenType) {
  auto h = header("EdDSA", "ed-1");
  h["typ"] = "at+jwt";
  auto token = make_token(h, good_claims(), Algorithm::EdDSA, test_keys().ed.get());
  EXPECT_FALSE(run("bearer  " + token).refused());
}

TEST_F(AuthenticateStageTest, DataSubjectCarriesValidBsn) {
  auto claims = good_claims();
  claims["roles"] = json::array({"data-subject"});
  claims["bsn"] = "111222333";
  auto ctx = bearer(ed_token(claims));
  ASSERT_FALSE(ctx.refused()) << ctx.problem->detail;
  EXPECT_EQ(ctx.identity.bsn, "111222333");
}

TEST_F(AuthenticateStageTest, RefusesBsnOutsideDataSubjectRoleOrFailing11Proef) {
  auto claims = good_claims();
  claims["bsn"] = "111222333";
  EXPECT_REFUSED(bearer(ed_token(claims)), codes::kClaimsInvalid);
  claims["roles"] = json::array({"data-subject"});
  claims["bsn"] = "111222334";
  EXPECT_REFUSED(bearer(ed_token(claims)), codes::kClaimsInvalid);
  claims.erase("bsn");
  EXPECT_REFUSED(bearer(ed_token(claims)), codes::kClaimsInvalid);
}

TEST_F(AuthenticateStageTest, RefusesRepeatedAuthorizationHeaders) {
  RequestContext ctx;
  const std::string token = ed_token(good_claims());
  ctx.request.headers.add("Authorization", "Bearer " + token);
  ctx.request.headers.add("authorization", "Bearer " + token);
  stage_->run(ctx, [](Flow) {});
  EXPECT_REFUSED(ctx, codes::kAuthorizationRepeated);
}

TEST_F(AuthenticateStageTest, RefusesOtherSchemesWithInvalidRequestChallenge) {
  for (const char* value : {"Basic dXNlcjpwYXNz", "Bearer", "Bearerx.y.z", "Token abc"}) {
    auto ctx = run(std::string(value));
    ASSERT_TRUE(ctx.refused()) << value;
    EXPECT_EQ(ctx.problem->status, 401);
    EXPECT_NE(ctx.response.headers.find("WWW-Authenticate")->find("error=\"invalid_request\""),
              std::string::npos);
  }
  EXPECT_REFUSED(run("Basic dXNlcjpwYXNz"), codes::kSchemeUnsupported);
  EXPECT_REFUSED(run("Bearer   "), codes::kTokenMissing);
}

TEST_F(AuthenticateStageTest, InvalidTokenGetsBearerChallengeWithoutEchoingToken) {
  auto claims = good_claims();
  claims["exp"] = test_now_seconds() - 3600;
  const std::string token = ed_token(claims);
  auto ctx = bearer(token);
  EXPECT_REFUSED(ctx, codes::kExpired);
  const std::string challenge(*ctx.response.headers.find("WWW-Authenticate"));
  EXPECT_EQ(challenge.rfind("Bearer realm=\"bronpoort\", error=\"invalid_token\"", 0), 0u)
      << challenge;
  EXPECT_NE(challenge.find("error_description=\"The token has expired"), std::string::npos);
  EXPECT_EQ(ctx.problem->detail.find(token.substr(0, 20)), std::string::npos);
}

TEST(BearerChallenge, StripsCharactersThatWouldBreakTheHeader) {
  EXPECT_EQ(bearer_challenge("invalid_token", "a \"quoted\"\\ \r\nvalue"),
            "Bearer realm=\"bronpoort\", error=\"invalid_token\", "
            "error_description=\"a 'quoted' value\"");
}

// --- mTLS ---------------------------------------------------------------------------------------

ClientCertificate certificate(const std::string& oin, const std::string& thumbprint = "thumb") {
  return {"CN=client,serialNumber=" + oin, oin, thumbprint};
}

TEST_F(AuthenticateStageTest, CertificateOinMatchingTokenOrgIsRecorded) {
  auto ctx = bearer(ed_token(good_claims()), certificate(kOin));
  ASSERT_FALSE(ctx.refused()) << ctx.problem->detail;
  EXPECT_EQ(ctx.identity.certificate_oin, kOin);
}

TEST_F(AuthenticateStageTest, RefusesCertificateOfAnotherOrganisation) {
  auto ctx = bearer(ed_token(good_claims()), certificate("00000009999999999000"));
  EXPECT_REFUSED(ctx, codes::kCertificateMismatch);
}

TEST_F(AuthenticateStageTest, AnonymousCallerWithCertificateKeepsItsOin) {
  auto ctx = run(std::nullopt, certificate(kOin));
  EXPECT_FALSE(ctx.refused());
  EXPECT_FALSE(ctx.identity.authenticated);
  EXPECT_EQ(ctx.identity.certificate_oin, kOin);
}

TEST_F(AuthenticateStageTest, CertificateBoundTokenNeedsThatCertificate) {
  auto claims = good_claims();
  claims["cnf"] = {{"x5t#S256", "bound-thumbprint"}};
  EXPECT_FALSE(bearer(ed_token(claims), certificate(kOin, "bound-thumbprint")).refused());
  EXPECT_REFUSED(bearer(ed_token(claims), certificate(kOin, "other-thumbprint")),
                 codes::kCertificateMismatch);
  EXPECT_REFUSED(bearer(ed_token(claims)), codes::kCertificateMismatch);
  claims["cnf"] = {{"jkt", "dpop-key"}};
  EXPECT_REFUSED(bearer(ed_token(claims), certificate(kOin)), codes::kClaimsInvalid);
}

TEST(IdentityClaims, ValidatesOinAndBsn) {
  EXPECT_TRUE(is_oin("00000001234567890000"));
  EXPECT_FALSE(is_oin("0000000123456789000"));
  EXPECT_FALSE(is_oin("0000000123456789000a"));
  EXPECT_TRUE(is_valid_bsn("111222333"));
  EXPECT_TRUE(is_valid_bsn("123456782"));
  EXPECT_FALSE(is_valid_bsn("123456789"));
  EXPECT_FALSE(is_valid_bsn("000000000"));
  EXPECT_FALSE(is_valid_bsn("12345678"));
}

}  // namespace
}  // namespace bronpoort::authenticate::testing

namespace bronpoort::authenticate::testing {
namespace {

// One immutable stage serves all I/O threads at once; the shared EVP_PKEY objects are only read.
TEST_F(AuthenticateStageTest, VerifiesConcurrentlyFromManyThreads) {
  const std::vector<std::string> tokens = {
      ed_token(good_claims()),
      make_token(header("ES256", "ec-1"), good_claims(), Algorithm::ES256, test_keys().ec.get()),
      make_token(header("RS256", "rsa-1"), good_claims(), Algorithm::RS256, test_keys().rsa.get())};
  std::atomic<int> accepted{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) {
        if (!bearer(tokens[static_cast<std::size_t>(t + i) % tokens.size()]).refused()) ++accepted;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(accepted.load(), 200);
}

TEST(TimeClaims, ExpiryIsExclusiveWithoutLeeway) {
  TestConfigDir dir;
  auto section = dir.identity_section();
  section["leewaySeconds"] = 0;
  auto stage = make_stage(dir.load(section), [] { return test_now(); });
  auto run_with_exp = [&](long long exp) {
    auto claims = good_claims();
    claims["exp"] = exp;
    RequestContext ctx;
    ctx.request.headers.add("Authorization", "Bearer " + AuthenticateStageTest::ed_token(claims));
    stage->run(ctx, [](Flow) {});
    return ctx;
  };
  EXPECT_REFUSED(run_with_exp(test_now_seconds()), codes::kExpired);
  EXPECT_FALSE(run_with_exp(test_now_seconds() + 1).refused());
}

// The review: any trusted issuer could assert any organisation and role. An issuer bound to its
// organisations and roles cannot speak for others.
TEST_F(AuthenticateStageTest, BoundIssuerSpeaksOnlyForItsOrganisationsAndRoles) {
  auto section = dir_.identity_section();
  section["issuers"][0]["organisations"] = json::array({kOin});
  section["issuers"][0]["roles"] = json::array({"case-worker"});
  auto bound = make_stage(dir_.load(section), [] { return test_now(); });
  auto run_bound = [&](const json& claims) {
    RequestContext ctx;
    ctx.request.headers.add("Authorization", "Bearer " + ed_token(claims));
    bound->run(ctx, [](Flow) {});
    return ctx;
  };
  auto own = good_claims();
  own["roles"] = json::array({"case-worker"});
  EXPECT_FALSE(run_bound(own).refused());
  auto foreign = own;
  foreign["org"] = "00000009999999999000";
  EXPECT_REFUSED(run_bound(foreign), "token-issuer-not-trusted-for");
  auto auditor = own;
  auditor["roles"] = json::array({"case-worker", "auditor"});
  EXPECT_REFUSED(run_bound(auditor), "token-issuer-not-trusted-for");
}

TEST(IdentityWarnings, DemoKeysBeyondLoopbackAndUnboundIssuersAreNamed) {
  TestConfigDir dir;
  auto config = dir.load();
  auto loopback = identity_warnings(*config, true);
  ASSERT_EQ(loopback.size(), 2u);  // two issuers, neither bound to organisations
  EXPECT_NE(loopback[0].find("may assert any organisation"), std::string::npos);
  IdentityConfig demo = *config;
  demo.issuers[0].jwks_file = "keys/demo-issuer.jwks.json";
  demo.issuers[0].organisations = {kOin};
  demo.issuers[1].organisations = {kOin};
  EXPECT_TRUE(identity_warnings(demo, true).empty());
  auto exposed = identity_warnings(demo, false);
  ASSERT_EQ(exposed.size(), 1u);
  EXPECT_NE(exposed[0].find("DEMO KEYS"), std::string::npos);
}

}  // namespace
}  // namespace bronpoort::authenticate::testing
