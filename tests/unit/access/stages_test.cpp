// The access stage (header handling, decision into the context) and the minimise stage (records
// stripped to the grant, withheld fields named, fail closed).
#include <bronpoort/access/stages.hpp>

#include "unit/access/access_test_support.hpp"

#include <gtest/gtest.h>

namespace bronpoort::access {
namespace {

using namespace test;

class AccessStageTest : public ::testing::Test {
 protected:
  AccessStageTest() {
    auto purposes = std::make_shared<const std::vector<Purpose>>(std::vector<Purpose>{
        purpose("intake", {"case-worker"},
                {{"persons", {{"persons", {"bsn", "givenName", "familyName", "birthDate"}}}}})});
    holder_ = std::make_shared<PolicyHolder>(std::make_shared<const PolicySnapshot>(
        purposes, std::vector<Grant>{grant("g-1", kGemeente, "case-worker", "intake", "persons",
                                           "persons", {"bsn", "givenName"})}));
    stage_ = make_access_stage(holder_, [] { return at(2026, 6, 1); });
    ctx_.identity = caller(kGemeente, {"case-worker"});
    ctx_.route = persons_route();
    ctx_.query = search_by("bsn", "999990019");
  }

  Flow run() {
    Flow flow = Flow::Continue;
    int calls = 0;
    stage_->run(ctx_, [&](Flow f) {
      flow = f;
      ++calls;
    });
    EXPECT_EQ(calls, 1);
    return flow;
  }

  std::shared_ptr<PolicyHolder> holder_;
  std::shared_ptr<const Stage> stage_;
  RequestContext ctx_;
};

TEST_F(AccessStageTest, MissingPurposeIs400) {
  EXPECT_EQ(run(), Flow::Stop);
  EXPECT_EQ(ctx_.problem->status, 400);
  EXPECT_EQ(ctx_.problem->code, "purpose-missing");
  EXPECT_TRUE(ctx_.decision.evaluated);
  EXPECT_FALSE(ctx_.decision.allowed);
}

TEST_F(AccessStageTest, AllowsAndFillsTheDecision) {
  ctx_.request.headers.add("processing-purpose", "intake");
  EXPECT_EQ(run(), Flow::Continue);
  EXPECT_FALSE(ctx_.refused());
  EXPECT_EQ(ctx_.purpose_id, "intake");
  EXPECT_TRUE(ctx_.decision.allowed);
  EXPECT_EQ(ctx_.decision.grant_id, "g-1");
  EXPECT_EQ(ctx_.decision.fields_granted, (std::vector<std::string>{"bsn", "givenName"}));
}

TEST_F(AccessStageTest, RepeatedPurposeHeaderIsRefused) {
  ctx_.request.headers.add("Processing-Purpose", "intake");
  ctx_.request.headers.add("Processing-Purpose", "other");
  EXPECT_EQ(run(), Flow::Stop);
  EXPECT_EQ(ctx_.problem->code, "purpose-ambiguous");
}

TEST_F(AccessStageTest, InjectedPurposeIdIsRefusedWithoutEcho) {
  for (const std::string& evil :
       std::vector<std::string>{"intake\r\nX-Admin: 1", "../intake", "intake' OR '1'='1", "INTAKE",
                                std::string(65, 'a'), "intake%00", "<script>"}) {
    ctx_ = RequestContext{};
    ctx_.identity = caller(kGemeente, {"case-worker"});
    ctx_.route = persons_route();
    ctx_.query = search_by("bsn", "1");
    ctx_.request.headers.add("Processing-Purpose", evil);
    EXPECT_EQ(run(), Flow::Stop) << evil;
    EXPECT_EQ(ctx_.problem->code, "purpose-invalid");
    EXPECT_EQ(ctx_.problem->detail.find(evil), std::string::npos);
    EXPECT_TRUE(ctx_.purpose_id.empty());
  }
}

TEST_F(AccessStageTest, DeniedDecisionStaysInContextForTheProcessingLog) {
  ctx_.request.headers.add("Processing-Purpose", "intake");
  ctx_.query = DataQuery{};
  EXPECT_EQ(run(), Flow::Stop);
  EXPECT_EQ(ctx_.problem->status, 403);
  EXPECT_EQ(ctx_.decision.code, "case-scope-requires-subject");
  EXPECT_EQ(ctx_.decision.purpose_id, "intake");
  EXPECT_FALSE(ctx_.decision.legal_basis.empty());
}

TEST_F(AccessStageTest, UsesTheSnapshotSwappedInMeanwhile) {
  ctx_.request.headers.add("Processing-Purpose", "intake");
  auto purposes = holder_->current()->purpose_list();
  holder_->replace(std::make_shared<const PolicySnapshot>(purposes, std::vector<Grant>{}));
  EXPECT_EQ(run(), Flow::Stop);
  EXPECT_EQ(ctx_.problem->code, "no-grant");
}

// The route stage answers 401 to a data request without a token; an anonymous request that
// reaches the access stage anyway (a mis-wired chain) decides nothing and fails closed.
TEST_F(AccessStageTest, IgnoresEndpointRoutesAndFailsClosedOnAnonymousData) {
  ctx_.route.kind = RouteKind::Endpoint;
  EXPECT_EQ(run(), Flow::Continue);
  EXPECT_FALSE(ctx_.decision.evaluated);
  ctx_.route = persons_route();
  ctx_.identity = Identity{};
  ctx_.request.headers.add("Processing-Purpose", "intake");
  EXPECT_EQ(run(), Flow::Stop);
  EXPECT_EQ(ctx_.problem->status, 500);
  EXPECT_FALSE(ctx_.decision.allowed);
  EXPECT_TRUE(ctx_.purpose_id.empty());
}

RequestContext fetched(nlohmann::json body, std::vector<std::string> granted,
                       std::vector<std::string> withheld = {}) {
  RequestContext ctx;
  ctx.route = persons_route();
  ctx.decision.evaluated = true;
  ctx.decision.allowed = true;
  ctx.decision.fields_granted = std::move(granted);
  ctx.decision.fields_withheld = std::move(withheld);
  ctx.result.fetched = true;
  ctx.result.body = std::move(body);
  return ctx;
}

Flow minimise(RequestContext& ctx) {
  Flow flow = Flow::Continue;
  make_minimise_stage()->run(ctx, [&](Flow f) { flow = f; });
  return flow;
}

TEST(MinimiseStage, StripsEveryRecordAndNamesWithheldFields) {
  auto ctx = fetched(nlohmann::json::parse(R"([
    {"bsn": "1", "givenName": "A", "familyName": "X", "birthDate": "1980-01-01"},
    {"bsn": "2", "givenName": "B", "municipality": "Utrecht"}])"),
                     {"bsn", "givenName"}, {"salary"});
  EXPECT_EQ(minimise(ctx), Flow::Continue);
  EXPECT_EQ(ctx.result.body, nlohmann::json::parse(R"([{"bsn": "1", "givenName": "A"},
                                                       {"bsn": "2", "givenName": "B"}])"));
  EXPECT_EQ(*ctx.response.headers.find("Withheld-Fields"),
            "birthDate,familyName,municipality,salary");
  EXPECT_EQ(ctx.decision.fields_withheld,
            (std::vector<std::string>{"birthDate", "familyName", "municipality", "salary"}));
}

TEST(MinimiseStage, StripsASingleRecordAndOmitsHeaderWhenNothingWithheld) {
  auto ctx = fetched({{"bsn", "1"}}, {"bsn", "givenName"});
  EXPECT_EQ(minimise(ctx), Flow::Continue);
  EXPECT_EQ(ctx.result.body, (nlohmann::json{{"bsn", "1"}}));
  EXPECT_FALSE(ctx.response.headers.find("Withheld-Fields"));
}

TEST(MinimiseStage, WithAFieldSelectionNamesOnlyRequestedFieldsWithheld) {
  auto ctx = fetched({{"bsn", "1"}, {"givenName", "A"}, {"birthDate", "1980-01-01"}}, {"givenName"},
                     {"birthDate"});
  ctx.query.fields = {"givenName", "birthDate"};
  EXPECT_EQ(minimise(ctx), Flow::Continue);
  EXPECT_EQ(ctx.result.body, (nlohmann::json{{"givenName", "A"}}));
  EXPECT_EQ(*ctx.response.headers.find("Withheld-Fields"), "birthDate");
}

TEST(MinimiseStage, FailsClosedWithoutAnAllowingDecision) {
  auto ctx = fetched({{"bsn", "1"}}, {"bsn"});
  ctx.decision.allowed = false;
  EXPECT_EQ(minimise(ctx), Flow::Stop);
  EXPECT_TRUE(ctx.result.body.is_null());
  EXPECT_EQ(ctx.problem->status, 500);
}

TEST(MinimiseStage, RefusesRecordsItCannotMinimise) {
  auto ctx = fetched(nlohmann::json::array({"999990019"}), {"bsn"});
  EXPECT_EQ(minimise(ctx), Flow::Stop);
  EXPECT_TRUE(ctx.result.body.is_null());
  EXPECT_EQ(ctx.problem->code, "source-response-unexpected");
}

}  // namespace
}  // namespace bronpoort::access
