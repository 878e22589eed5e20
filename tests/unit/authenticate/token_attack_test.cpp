// The token attacks of issue 5: every forged, altered or misdirected token is refused with 401
// and its own problem code, before any identity is set.

#include "unit/authenticate/stage_harness.hpp"

#include <bronpoort/authenticate/base64url.hpp>
#include <bronpoort/authenticate/jws_signature.hpp>
#include <bronpoort/authenticate/problem_codes.hpp>

namespace bronpoort::authenticate::testing {
namespace {

using nlohmann::json;

TEST_F(AuthenticateStageTest, RefusesAlgNone) {
  for (const char* alg : {"none", "None", "NONE"}) {
    const std::string token =
        b64(json{{"alg", alg}, {"typ", "JWT"}}) + "." + b64(good_claims()) + ".";
    EXPECT_REFUSED(bearer(token), codes::kAlgorithmNotAllowed);
  }
}

TEST_F(AuthenticateStageTest, RefusesHs256SignedWithRsaPublicKey) {
  // The classic confusion: a verifier that feeds "the key" to whatever alg the token names would
  // accept an HMAC keyed with the public PEM or the raw modulus.
  const auto& k = test_keys();
  for (const std::string& secret :
       {public_pem(k.rsa.get()), public_jwk(k.rsa.get(), "rsa-1")["n"].get<std::string>()}) {
    EXPECT_REFUSED(bearer(hs256_token(header("HS256", "rsa-1"), good_claims(), secret)),
                   codes::kAlgorithmNotAllowed);
  }
}

TEST_F(AuthenticateStageTest, RefusesHs256SignedWithEcPublicKey) {
  const auto& k = test_keys();
  EXPECT_REFUSED(
      bearer(hs256_token(header("HS256", "ec-1"), good_claims(), public_pem(k.ec.get()))),
      codes::kAlgorithmNotAllowed);
}

TEST_F(AuthenticateStageTest, RefusesAlgorithmThatDoesNotFitTheKey) {
  // Signed honestly with the EC key but pointing at the RSA key's kid.
  auto token =
      make_token(header("ES256", "rsa-1"), good_claims(), Algorithm::ES256, test_keys().ec.get());
  EXPECT_REFUSED(bearer(token), codes::kAlgorithmNotAllowed);
}

TEST_F(AuthenticateStageTest, RefusesAlgorithmNotConfiguredForIssuer) {
  auto claims = good_claims();
  claims["iss"] = kEdOnlyIssuer;
  auto token = make_token(header("ES256", "ec-1"), claims, Algorithm::ES256, test_keys().ec.get());
  EXPECT_REFUSED(bearer(token), codes::kAlgorithmNotAllowed);
}

TEST_F(AuthenticateStageTest, RefusesUnknownKid) {
  auto token = make_token(header("EdDSA", "ed-rotated"), good_claims(), Algorithm::EdDSA,
                          test_keys().ed.get());
  EXPECT_REFUSED(bearer(token), codes::kKeyUnknown);
}

TEST_F(AuthenticateStageTest, AcceptsMissingKidWhenOneKeyFitsTheAlgorithm) {
  auto token =
      make_token(json{{"alg", "EdDSA"}}, good_claims(), Algorithm::EdDSA, test_keys().ed.get());
  // kIssuer has one Ed25519 key, so without kid that one is the only candidate: accepted.
  EXPECT_FALSE(bearer(token).refused());
}

TEST_F(AuthenticateStageTest, RefusesTokenSignedByUntrustedKey) {
  auto token = make_token(header("EdDSA", "ed-1"), good_claims(), Algorithm::EdDSA,
                          test_keys().other_ed.get());
  EXPECT_REFUSED(bearer(token), codes::kSignatureInvalid);
}

TEST_F(AuthenticateStageTest, RefusesExpiredTokenBeyondLeeway) {
  auto claims = good_claims();
  claims["exp"] = test_now_seconds() - 31;
  claims["iat"] = test_now_seconds() - 100;
  EXPECT_REFUSED(bearer(ed_token(claims)), codes::kExpired);
  claims["exp"] = test_now_seconds() - 29;  // within the 30 s leeway
  EXPECT_FALSE(bearer(ed_token(claims)).refused());
}

TEST_F(AuthenticateStageTest, RefusesNotYetValidToken) {
  auto claims = good_claims();
  claims["nbf"] = test_now_seconds() + 60;
  EXPECT_REFUSED(bearer(ed_token(claims)), codes::kNotYetValid);
  claims["nbf"] = test_now_seconds() + 20;  // within leeway
  EXPECT_FALSE(bearer(ed_token(claims)).refused());
}

TEST_F(AuthenticateStageTest, RefusesTokenIssuedInTheFuture) {
  auto claims = good_claims();
  claims.erase("nbf");
  claims["iat"] = test_now_seconds() + 600;
  EXPECT_REFUSED(bearer(ed_token(claims)), codes::kNotYetValid);
}

TEST_F(AuthenticateStageTest, RefusesWrongAudience) {
  auto claims = good_claims();
  claims["aud"] = "another-api";
  EXPECT_REFUSED(bearer(ed_token(claims)), codes::kAudienceInvalid);
  claims["aud"] = json::array({"another-api", "yet-another"});
  EXPECT_REFUSED(bearer(ed_token(claims)), codes::kAudienceInvalid);
  claims.erase("aud");
  EXPECT_REFUSED(bearer(ed_token(claims)), codes::kAudienceInvalid);
}

TEST_F(AuthenticateStageTest, AcceptsAudienceArrayContainingUs) {
  auto claims = good_claims();
  claims["aud"] = json::array({"another-api", kAudience});
  EXPECT_FALSE(bearer(ed_token(claims)).refused());
}

TEST_F(AuthenticateStageTest, RefusesUnknownIssuer) {
  auto claims = good_claims();
  claims["iss"] = "https://evil.example";
  EXPECT_REFUSED(bearer(ed_token(claims)), codes::kIssuerUnknown);
}

TEST(AuthenticateStageWithoutIssuers, RefusesEveryToken) {
  TestConfigDir dir;
  auto stage = make_stage(dir.load(json::object()), [] { return test_now(); });
  RequestContext ctx;
  ctx.request.headers.add("Authorization",
                          "Bearer " + AuthenticateStageTest::ed_token(good_claims()));
  stage->run(ctx, [](Flow) {});
  EXPECT_REFUSED(ctx, codes::kIssuerUnknown);
}

TEST_F(AuthenticateStageTest, RefusesTamperedPayload) {
  const std::string token = ed_token(good_claims());
  auto claims = good_claims();
  claims["roles"] = json::array({"source-admin"});
  const auto dot1 = token.find('.');
  const auto dot2 = token.rfind('.');
  const std::string tampered = token.substr(0, dot1) + "." + b64(claims) + token.substr(dot2);
  EXPECT_REFUSED(bearer(tampered), codes::kSignatureInvalid);
}

TEST_F(AuthenticateStageTest, RefusesTruncatedSignature) {
  const std::string token = ed_token(good_claims());
  const auto dot = token.rfind('.');
  const std::string signature = *base64url_decode(token.substr(dot + 1));
  for (std::size_t keep : {63u, 48u, 32u, 1u, 0u}) {
    SCOPED_TRACE(keep);
    EXPECT_REFUSED(bearer(token.substr(0, dot + 1) + b64(signature.substr(0, keep))),
                   codes::kSignatureInvalid);
  }
  // Cutting the text mid-character leaves bits that no canonical encoding has.
  EXPECT_REFUSED(bearer(token.substr(0, token.size() - 1)), codes::kTokenMalformed);
}

TEST_F(AuthenticateStageTest, RefusesEs256SignatureOfWrongLength) {
  const auto& k = test_keys();
  std::string token =
      make_token(header("ES256", "ec-1"), good_claims(), Algorithm::ES256, k.ec.get());
  ASSERT_FALSE(bearer(token).refused());
  const auto dot = token.rfind('.');
  auto raw = *base64url_decode(token.substr(dot + 1));
  ASSERT_EQ(raw.size(), 64u);
  // One byte short, one byte long, and the DER form some libraries send by mistake.
  EXPECT_REFUSED(bearer(token.substr(0, dot + 1) + b64(raw.substr(0, 63))),
                 codes::kSignatureInvalid);
  EXPECT_REFUSED(bearer(token.substr(0, dot + 1) + b64(raw + '\0')), codes::kSignatureInvalid);
  EXPECT_REFUSED(bearer(token.substr(0, dot + 1) + b64(std::string(72, '\x30'))),
                 codes::kSignatureInvalid);
}

TEST_F(AuthenticateStageTest, RefusesHugeToken) {
  auto claims = good_claims();
  claims["padding"] = std::string(9000, 'a');
  EXPECT_REFUSED(bearer(ed_token(claims)), codes::kTokenTooLarge);
}

TEST_F(AuthenticateStageTest, RefusesDuplicateClaims) {
  // Hand-written JSON: a parser that keeps the last "sub" and one that keeps the first disagree.
  const long long now = test_now_seconds();
  const std::string payload = R"({"iss":")" + std::string(kIssuer) + R"(","aud":"bronpoort",)" +
                              R"("sub":"alice","sub":"bob","org":")" + kOin +
                              R"(","roles":["case-worker"],"exp":)" + std::to_string(now + 60) +
                              "}";
  const std::string input = b64(header("EdDSA", "ed-1")) + "." + b64(payload);
  const std::string token = input + "." + b64(sign(Algorithm::EdDSA, test_keys().ed.get(), input));
  EXPECT_REFUSED(bearer(token), codes::kTokenMalformed);
}

TEST_F(AuthenticateStageTest, RefusesDuplicateHeaderMembers) {
  const std::string header_json = R"({"alg":"EdDSA","kid":"ed-1","alg":"none"})";
  const std::string input = b64(std::string(header_json)) + "." + b64(good_claims());
  const std::string token = input + "." + b64(sign(Algorithm::EdDSA, test_keys().ed.get(), input));
  EXPECT_REFUSED(bearer(token), codes::kTokenMalformed);
}

TEST_F(AuthenticateStageTest, RefusesBadBase64) {
  const std::string token = ed_token(good_claims());
  const auto dot1 = token.find('.');
  EXPECT_REFUSED(bearer(token.substr(0, dot1) + "=" + token.substr(dot1)), codes::kTokenMalformed);
  std::string plus = token;
  plus[dot1 + 3] = '+';
  EXPECT_REFUSED(bearer(plus), codes::kTokenMalformed);
  EXPECT_REFUSED(bearer(token + "=="), codes::kTokenMalformed);
  EXPECT_REFUSED(bearer("not-a-jwt"), codes::kTokenMalformed);
  EXPECT_REFUSED(bearer("a.b.c.d.e"), codes::kTokenMalformed);
}

TEST_F(AuthenticateStageTest, RefusesCriticalHeaderExtensions) {
  auto h = header("EdDSA", "ed-1");
  h["crit"] = json::array({"exp"});
  h["exp"] = 1;
  auto token = make_token(h, good_claims(), Algorithm::EdDSA, test_keys().ed.get());
  EXPECT_REFUSED(bearer(token), codes::kHeaderUnsupported);
}

TEST_F(AuthenticateStageTest, RefusesNonAccessTokenType) {
  auto h = header("EdDSA", "ed-1");
  h["typ"] = "dpop+jwt";
  EXPECT_REFUSED(bearer(make_token(h, good_claims(), Algorithm::EdDSA, test_keys().ed.get())),
                 codes::kHeaderUnsupported);
}

TEST_F(AuthenticateStageTest, RefusesClaimsOfTheWrongType) {
  const std::vector<std::pair<std::string, json>> bad = {{"exp", "tomorrow"},
                                                         {"exp", true},
                                                         {"nbf", "now"},
                                                         {"sub", 42},
                                                         {"sub", std::string(300, 'x')},
                                                         {"org", "123"},
                                                         {"org", 12345678901234567890ULL},
                                                         {"roles", "case-worker"},
                                                         {"roles", json::array()},
                                                         {"roles", json::array({1})},
                                                         {"roles", json::array({"has space"})},
                                                         {"purposes", "p1"},
                                                         {"aud", 7}};
  for (const auto& [claim, value] : bad) {
    auto claims = good_claims();
    claims[claim] = value;
    SCOPED_TRACE(claim + "=" + value.dump());
    EXPECT_REFUSED(bearer(ed_token(claims)), codes::kClaimsInvalid);
  }
  auto no_exp = good_claims();
  no_exp.erase("exp");
  EXPECT_REFUSED(bearer(ed_token(no_exp)), codes::kClaimsInvalid);
}

TEST_F(AuthenticateStageTest, RefusesTooManyRoles) {
  auto claims = good_claims();
  claims["roles"] = json::array();
  for (int i = 0; i < 33; ++i) claims["roles"].push_back("role-" + std::to_string(i));
  EXPECT_REFUSED(bearer(ed_token(claims)), codes::kClaimsInvalid);
}

}  // namespace
}  // namespace bronpoort::authenticate::testing
