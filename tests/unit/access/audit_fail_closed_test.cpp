// Issue #12 item 7: a grant change without its durable audit record does not take effect. The
// record is written first; if it cannot be, the change is not made (503 audit-unavailable), and if
// the change fails after its record was written, a not-applied record follows.
#include "unit/access/access_service_fixture.hpp"

namespace bronpoort::access {
namespace {

using namespace test;

const auto kEveryRecord = [](const AuditEvent&) { return true; };

void expect_audit_unavailable(const Problem& p) {
  EXPECT_EQ(p.status, 503);
  EXPECT_EQ(p.code, "audit-unavailable");
}

TEST_P(AccessServiceTest, ApprovalWithoutDurableRecordLeavesTheRequestPending) {
  auto r = file(worker_, {"bsn"});
  audit_fails_ = kEveryRecord;

  auto approved = service_->approve(admin_, r.id, "ok", "t");
  ASSERT_TRUE(std::holds_alternative<Problem>(approved));
  expect_audit_unavailable(std::get<Problem>(approved));
  EXPECT_EQ(service_->visible_request(worker_, r.id)->state, RequestState::Pending);
  EXPECT_EQ(stored_request(r.id)->state, RequestState::Pending);
  EXPECT_TRUE(service_->visible_grants(worker_).empty());
  EXPECT_EQ(decide_intake(worker_).problem->code, "no-grant");

  // Rejection is a change too.
  expect_audit_unavailable(std::get<Problem>(service_->reject(admin_, r.id, "no", "t")));
  EXPECT_EQ(stored_request(r.id)->state, RequestState::Pending);

  // Once the log takes records again, the same approval goes through.
  audit_fails_ = nullptr;
  ASSERT_TRUE(std::holds_alternative<AccessRequest>(service_->approve(admin_, r.id, "ok", "t")));
  EXPECT_FALSE(decide_intake(worker_).problem);
}

TEST_P(AccessServiceTest, RevocationWithoutDurableRecordLeavesTheGrantActive) {
  auto r = file(worker_, {"bsn"});
  auto a = std::get<AccessRequest>(service_->approve(admin_, r.id, "", "t"));
  audit_fails_ = kEveryRecord;

  auto revoked = service_->revoke(admin_, a.grant_id, "t");
  ASSERT_TRUE(std::holds_alternative<Problem>(revoked));
  expect_audit_unavailable(std::get<Problem>(revoked));
  EXPECT_FALSE(decide_intake(worker_).problem);
  service_ = open();  // the store did not change either
  EXPECT_FALSE(decide_intake(worker_).problem);
}

TEST_P(AccessServiceTest, FilingWithoutDurableRecordFilesNothing) {
  audit_fails_ = kEveryRecord;
  auto r = try_file(worker_, {"bsn"});
  ASSERT_TRUE(std::holds_alternative<Problem>(r));
  expect_audit_unavailable(std::get<Problem>(r));
  EXPECT_TRUE(service_->visible_requests(worker_, std::nullopt).empty());
  EXPECT_TRUE(store_connection()->load_requests().empty());

  // A standing approval creates a grant at once: not without its records either.
  expect_audit_unavailable(std::get<Problem>(try_file(worker_, {}, "address-check")));
  EXPECT_TRUE(service_->visible_grants(worker_).empty());
  EXPECT_TRUE(store_connection()->load_grants().empty());
}

// The records are durable before the change is visible anywhere: when the hook is asked for the
// grant's record, neither the policy nor the store shows the approval yet.
TEST_P(AccessServiceTest, RecordsAreWrittenBeforeTheChangeIsApplied) {
  auto r = file(worker_, {"bsn"});
  int checked = 0;
  audit_fails_ = [&](const AuditEvent& e) {
    if (e.type == "grant.created" || e.type == "access-request.approved") {
      EXPECT_EQ(stored_request(r.id)->state, RequestState::Pending) << e.type;
      EXPECT_EQ(decide_intake(worker_).problem->code, "no-grant") << e.type;
      ++checked;
    }
    return false;
  };
  ASSERT_TRUE(std::holds_alternative<AccessRequest>(service_->approve(admin_, r.id, "", "t")));
  EXPECT_EQ(checked, 2);
  EXPECT_FALSE(decide_intake(worker_).problem);
}

// When the first record of a change is durable and the second is not, the first claimed a change
// that is not made: a not-applied record corrects it.
TEST_P(AccessServiceTest, PartlyWrittenRecordsAreFollowedByNotApplied) {
  auto r = file(worker_, {"bsn"});
  audit_fails_ = [](const AuditEvent& e) { return e.type == "grant.created"; };
  expect_audit_unavailable(std::get<Problem>(service_->approve(admin_, r.id, "", "t")));
  EXPECT_EQ(stored_request(r.id)->state, RequestState::Pending);

  ASSERT_EQ(events_.size(), 3u);
  EXPECT_EQ(events_[1].type, "access-request.approved");
  EXPECT_EQ(events_[2].type, "access-change.not-applied");
  EXPECT_EQ(events_[2].object_id, r.id);
  EXPECT_EQ(events_[2].details["notApplied"]["reason"], "audit-unavailable");
  EXPECT_EQ(events_[2].details["notApplied"]["records"][0]["event"], "access-request.approved");
  EXPECT_EQ(events_[2].details["purpose"], "intake");  // found by the same queries as the claim
}

// The store failing after the records were written: the change is not made, the caller gets the
// store's 503, and the trail says the recorded change did not happen.
TEST_P(AccessServiceTest, StoreFailureAfterTheRecordIsFollowedByNotApplied) {
  auto r = file(worker_, {"bsn"});
  *store_fails_ = true;
  EXPECT_THROW(service_->approve(admin_, r.id, "", "t"), StoreError);
  EXPECT_EQ(stored_request(r.id)->state, RequestState::Pending);
  EXPECT_EQ(decide_intake(worker_).problem->code, "no-grant");
  ASSERT_EQ(events_.size(), 4u);
  EXPECT_EQ(events_[1].type, "access-request.approved");
  EXPECT_EQ(events_[2].type, "grant.created");
  EXPECT_EQ(events_[3].type, "access-change.not-applied");
  EXPECT_EQ(events_[3].details["notApplied"]["reason"], "store-unavailable");
  EXPECT_EQ(events_[3].details["notApplied"]["records"].size(), 2u);
}

// Another instance decided first: the store refuses, and the record says so.
TEST_P(AccessServiceTest, RequestDecidedElsewhereAfterTheRecordIsFollowedByNotApplied) {
  auto r = file(worker_, {"bsn"});
  AccessRequest elsewhere = r;
  elsewhere.state = RequestState::Rejected;
  elsewhere.decided_by = "admin-2";
  ASSERT_TRUE(store_connection()->decide_request(elsewhere, std::nullopt));

  EXPECT_EQ(code_of(service_->approve(admin_, r.id, "", "t")), "access-request-not-pending");
  EXPECT_EQ(events_.back().type, "access-change.not-applied");
  EXPECT_EQ(events_.back().details["notApplied"]["reason"], "decided-elsewhere");
  EXPECT_EQ(service_->visible_request(worker_, r.id)->state, RequestState::Rejected);
}

}  // namespace
}  // namespace bronpoort::access
