// Issue #12 item 6: self-approval spread by precedent. Whoever filed a request never decides it —
// not as a source admin of the holder, not under another organisation's token — and a holder's
// decision approves other organisations' identical requests only when the purpose opts in.
#include "unit/access/access_service_fixture.hpp"

namespace bronpoort::access {
namespace {

using namespace test;

// One person holding both the requesting role and source-admin at the dataset's holder.
const Identity kBothRoles = caller(kRvig, {"case-worker", "source-admin"}, "alice");

TEST_P(AccessServiceTest, RequesterCannotApproveOrRejectTheirOwnRequest) {
  auto r = file(kBothRoles, {"bsn", "givenName"});
  ASSERT_EQ(r.state, RequestState::Pending);

  auto approved = service_->approve(kBothRoles, r.id, "looks fine to me", "t");
  ASSERT_TRUE(std::holds_alternative<Problem>(approved));
  EXPECT_EQ(std::get<Problem>(approved).status, 403);
  EXPECT_EQ(std::get<Problem>(approved).code, "four-eyes-required");
  EXPECT_EQ(code_of(service_->reject(kBothRoles, r.id, "", "t")), "four-eyes-required");

  EXPECT_EQ(service_->visible_request(kBothRoles, r.id)->state, RequestState::Pending);
  EXPECT_EQ(stored_request(r.id)->state, RequestState::Pending);
  EXPECT_EQ(decide_intake(kBothRoles).problem->code, "no-grant");
  ASSERT_EQ(events_.size(), 1u);  // only the filing: a refused decision changes nothing
  EXPECT_EQ(events_[0].type, "access-request.filed");

  // A second pair of eyes at the holder decides.
  auto other_admin = caller(kRvig, {"source-admin"}, "bob");
  auto decided = service_->approve(other_admin, r.id, "ok", "t");
  ASSERT_TRUE(std::holds_alternative<AccessRequest>(decided)) << code_of(decided);
  EXPECT_EQ(std::get<AccessRequest>(decided).decided_by, "bob");
  EXPECT_FALSE(decide_intake(kBothRoles).problem);
}

TEST_P(AccessServiceTest, SamePersonUnderTheHoldersTokenCannotApproveWhatTheyFiledElsewhere) {
  // Alice files as a case worker of the municipality, then approves as source admin of the
  // holder: two organisations, one person (one subject).
  auto r = file(caller(kGemeente, {"case-worker"}, "alice"), {"bsn"});
  auto as_holder = caller(kRvig, {"source-admin"}, "alice");
  EXPECT_EQ(code_of(service_->approve(as_holder, r.id, "", "t")), "four-eyes-required");
  EXPECT_EQ(stored_request(r.id)->state, RequestState::Pending);
}

TEST_P(AccessServiceTest, DecisionWithoutASubjectIsRefused) {
  auto r = file(worker_, {"bsn"});
  auto anonymous_admin = caller(kRvig, {"source-admin"}, "");
  EXPECT_EQ(code_of(service_->approve(anonymous_admin, r.id, "", "t")), "four-eyes-required");
}

// The attack of item 6, second half: another organisation's identical request is not approved by
// precedent from a decision about the first organisation.
TEST_P(AccessServiceTest, PrecedentDoesNotApproveAnotherOrganisationsRequest) {
  auto first = file(worker_, {"bsn", "givenName"});
  ASSERT_TRUE(std::holds_alternative<AccessRequest>(service_->approve(admin_, first.id, "", "t")));

  auto stranger = caller(kBureau, {"case-worker"}, "worker-9");
  auto identical = file(stranger, {"bsn", "givenName"});
  EXPECT_EQ(identical.state, RequestState::Pending);
  EXPECT_TRUE(identical.precedent_id.empty());
  EXPECT_TRUE(service_->visible_grants(stranger).empty());
  EXPECT_EQ(decide_intake(stranger).problem->code, "no-grant");
}

TEST_P(AccessServiceTest, PurposeMayOptInToPrecedentAcrossOrganisations) {
  auto first = file(worker_, {"bsn", "givenName"}, "shared-intake");
  ASSERT_TRUE(std::holds_alternative<AccessRequest>(service_->approve(admin_, first.id, "", "t")));

  auto stranger = caller(kBureau, {"case-worker"}, "worker-9");
  auto identical = file(stranger, {"bsn"}, "shared-intake");
  EXPECT_EQ(identical.state, RequestState::Approved);
  EXPECT_EQ(identical.approval, ApprovalKind::Precedent);
  EXPECT_EQ(identical.precedent_id, first.id);
  EXPECT_FALSE(decide_intake(stranger, "shared-intake").problem);
}

// The whole attack: a self-approval (as stored before four eyes were enforced) sets no precedent,
// neither for the same organisation nor, with the opt-in, for others.
TEST_P(AccessServiceTest, SelfApprovedRequestSetsNoPrecedent) {
  for (const char* purpose_id : {"intake", "shared-intake"}) {
    auto r = file(kBothRoles, {"bsn"}, purpose_id);
    AccessRequest self = r;
    self.state = RequestState::Approved;
    self.approval = ApprovalKind::Manual;
    self.decided_at = *clock_.now;
    self.decided_by = kBothRoles.subject;
    Grant g = grant(std::string("gr-self-") + purpose_id, kRvig, "case-worker", purpose_id,
                    "persons", "persons", {"bsn"});
    g.owner_organisation = kRvig;
    g.access_request_id = r.id;
    self.grant_id = g.id;
    ASSERT_TRUE(store_connection()->decide_request(self, g));
  }
  service_ = open();

  EXPECT_EQ(file(caller(kRvig, {"case-worker"}, "carol"), {"bsn"}).state, RequestState::Pending);
  auto stranger = caller(kBureau, {"case-worker"}, "worker-9");
  EXPECT_EQ(file(stranger, {"bsn"}, "shared-intake").state, RequestState::Pending);
}

// Nobody rides on a decision they took themselves: the admin who approved another
// organisation's request gets no grant by that precedent for a request of their own.
TEST_P(AccessServiceTest, DecidersOwnLaterRequestIsNotApprovedByTheirPrecedent) {
  auto first = file(worker_, {"bsn", "givenName"}, "shared-intake");
  auto alice_admin = caller(kRvig, {"source-admin"}, "alice");
  ASSERT_TRUE(
      std::holds_alternative<AccessRequest>(service_->approve(alice_admin, first.id, "", "t")));
  auto alice_worker = caller(kBureau, {"case-worker"}, "alice");
  EXPECT_EQ(file(alice_worker, {"bsn"}, "shared-intake").state, RequestState::Pending);
  // Someone else of that organisation does ride on it: the purpose opted in.
  auto dave = caller(kBureau, {"case-worker"}, "dave");
  EXPECT_EQ(file(dave, {"bsn", "givenName"}, "shared-intake").state, RequestState::Approved);
}

}  // namespace
}  // namespace bronpoort::access
