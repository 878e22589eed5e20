// The stage remembers tokens it verified, so a client's repeated token costs no signature check.
// What must still hold on every request: expiry, certificate binding, and that only the exact
// bytes of a verified token are ever accepted without verification.

#include "unit/authenticate/stage_harness.hpp"

#include <bronpoort/authenticate/problem_codes.hpp>

#include <atomic>

namespace bronpoort::authenticate::testing {
namespace {

ClientCertificate certificate(const std::string& oin, const std::string& thumbprint) {
  return {"CN=client,serialNumber=" + oin, oin, thumbprint};
}

class VerifiedTokenCacheTest : public AuthenticateStageTest {
 protected:
  // A stage whose clock the test moves.
  std::shared_ptr<std::atomic<long long>> offset_s_ = std::make_shared<std::atomic<long long>>(0);
  VerifiedTokenCacheTest() {
    stage_ = make_stage(config_, [offset = offset_s_] {
      return test_now() + std::chrono::seconds(offset->load());
    });
  }
};

TEST_F(VerifiedTokenCacheTest, CachedTokenIsRefusedOnceItExpires) {
  auto token = ed_token(good_claims());  // exp = now + 1 h
  ASSERT_FALSE(bearer(token).refused());
  ASSERT_FALSE(bearer(token).refused());  // from the cache
  offset_s_->store(2 * 3600);
  EXPECT_REFUSED(bearer(token), codes::kExpired);
}

TEST_F(VerifiedTokenCacheTest, AlteredCopiesOfAnAcceptedTokenAreVerifiedAndRefused) {
  auto token = ed_token(good_claims());
  ASSERT_FALSE(bearer(token).refused());
  auto bad_signature = token;
  auto& c = bad_signature[bad_signature.size() - 10];  // inside the signature, all bits used
  c = c == 'A' ? 'B' : 'A';
  EXPECT_REFUSED(bearer(bad_signature), codes::kSignatureInvalid);
  // Same signature over other claims: a prefix match must not count.
  auto claims = good_claims();
  claims["roles"] = nlohmann::json::array({"auditor"});
  auto other = ed_token(claims);
  auto forged = other.substr(0, other.rfind('.')) + token.substr(token.rfind('.'));
  EXPECT_REFUSED(bearer(forged), codes::kSignatureInvalid);
  EXPECT_TRUE(bearer(token + "x").refused());
  ASSERT_FALSE(bearer(token).refused());  // the original still works
}

TEST_F(VerifiedTokenCacheTest, CertificateBindingIsCheckedForCachedTokens) {
  auto claims = good_claims();
  claims["cnf"] = {{"x5t#S256", "bound-thumbprint"}};
  auto token = ed_token(claims);
  ASSERT_FALSE(bearer(token, certificate(kOin, "bound-thumbprint")).refused());
  EXPECT_REFUSED(bearer(token, certificate(kOin, "other-thumbprint")), codes::kCertificateMismatch);
  EXPECT_REFUSED(bearer(token), codes::kCertificateMismatch);
  ASSERT_FALSE(bearer(token, certificate(kOin, "bound-thumbprint")).refused());
}

TEST_F(VerifiedTokenCacheTest, TokenNotYetValidIsRefusedAndNotRemembered) {
  auto claims = good_claims();
  claims["nbf"] = test_now_seconds() + 600;
  auto token = ed_token(claims);
  EXPECT_REFUSED(bearer(token), codes::kNotYetValid);
  offset_s_->store(700);  // now valid: verified afresh, accepted
  EXPECT_FALSE(bearer(token).refused());
}

}  // namespace
}  // namespace bronpoort::authenticate::testing
