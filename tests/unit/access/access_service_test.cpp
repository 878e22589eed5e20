// Access requests becoming grants, and grants taking effect, being revoked and expiring, as the
// next decision sees them. Runs against both real stores.
#include "unit/access/access_service_fixture.hpp"

#include <atomic>
#include <thread>

namespace bronpoort::access {
namespace {

using namespace test;

TEST_P(AccessServiceTest, ApprovedRequestBecomesGrantForTheNextDecision) {
  EXPECT_EQ(decide_intake(worker_).problem->code, "no-grant");
  auto r = file(worker_, {"bsn", "givenName"});
  EXPECT_EQ(r.state, RequestState::Pending);
  EXPECT_EQ(r.owner_organisation, kRvig);
  EXPECT_EQ(decide_intake(worker_).problem->code, "no-grant");

  auto approved = service_->approve(admin_, r.id, "ok", "trace-2");
  ASSERT_TRUE(std::holds_alternative<AccessRequest>(approved)) << code_of(approved);
  const auto& a = std::get<AccessRequest>(approved);
  EXPECT_EQ(a.state, RequestState::Approved);
  EXPECT_EQ(a.approval, ApprovalKind::Manual);
  EXPECT_EQ(a.decided_by, "admin-1");

  auto out = decide_intake(worker_);
  ASSERT_FALSE(out.problem) << out.problem->detail;
  EXPECT_EQ(out.decision.grant_id, a.grant_id);
  EXPECT_EQ(out.decision.fields_granted, (std::vector<std::string>{"bsn", "givenName"}));

  ASSERT_EQ(events_.size(), 3u);
  EXPECT_EQ(events_[0].type, "access-request.filed");
  EXPECT_EQ(events_[0].actor_organisation, kGemeente);
  EXPECT_EQ(events_[1].type, "access-request.approved");
  EXPECT_EQ(events_[1].actor_subject, "admin-1");
  EXPECT_EQ(events_[2].type, "grant.created");
  EXPECT_EQ(events_[2].object_id, a.grant_id);
  EXPECT_EQ(events_[2].trace_id, "trace-2");
}

TEST_P(AccessServiceTest, RevocationTakesEffectOnTheNextDecision) {
  auto r = file(worker_, {"bsn"});
  auto a = std::get<AccessRequest>(service_->approve(admin_, r.id, "", "t"));
  ASSERT_FALSE(decide_intake(worker_).problem);
  auto revoked = service_->revoke(admin_, a.grant_id, "t");
  ASSERT_TRUE(std::holds_alternative<Grant>(revoked));
  EXPECT_EQ(decide_intake(worker_).problem->code, "no-grant");
  EXPECT_EQ(events_.back().type, "grant.revoked");
  // Revoking twice is refused, and the revocation survives a restart.
  EXPECT_EQ(std::get<Problem>(service_->revoke(admin_, a.grant_id, "t")).code,
            "grant-already-revoked");
  service_ = open();
  EXPECT_EQ(decide_intake(worker_).problem->code, "no-grant");
}

TEST_P(AccessServiceTest, GrantExpiresWithoutAnyRebuild) {
  auto r = file(worker_, {"bsn"});
  service_->approve(admin_, r.id, "", "t");
  *clock_.now += std::chrono::days{29};
  EXPECT_FALSE(decide_intake(worker_).problem);
  *clock_.now += std::chrono::days{2};
  auto out = decide_intake(worker_);
  ASSERT_TRUE(out.problem);
  EXPECT_EQ(out.problem->code, "no-grant");
  EXPECT_NE(out.problem->detail.find("expired"), std::string::npos);
}

TEST_P(AccessServiceTest, StandingApprovalApprovesAtOnce) {
  auto r = file(worker_, {}, "address-check");
  EXPECT_EQ(r.state, RequestState::Approved);
  EXPECT_EQ(r.approval, ApprovalKind::Standing);
  EXPECT_EQ(r.decided_by, "auto");
  EXPECT_FALSE(r.grant_id.empty());
  ASSERT_EQ(events_.size(), 3u);
  EXPECT_EQ(events_[2].type, "grant.created");
}

TEST_P(AccessServiceTest, PrecedentApprovesSameOrNarrowerFieldsWithinTheOrganisation) {
  auto first = file(worker_, {"bsn", "givenName", "familyName"});
  service_->approve(admin_, first.id, "ok", "t");
  // A colleague in the same organisation asking for the same or less rides on the holder's
  // decision (after the first grant expires, say).
  auto grants = service_->visible_grants(worker_);
  ASSERT_EQ(grants.size(), 1u);

  auto narrower = file(colleague_, {"bsn", "givenName"});
  EXPECT_EQ(narrower.state, RequestState::Approved);
  EXPECT_EQ(narrower.approval, ApprovalKind::Precedent);
  EXPECT_EQ(narrower.precedent_id, first.id);
  EXPECT_EQ(narrower.decided_by, "auto");
  grants = service_->visible_grants(colleague_);
  ASSERT_EQ(grants.size(), 2u);
  EXPECT_EQ(grants[1].precedent_id, first.id);
  EXPECT_EQ(grants[1].approval, ApprovalKind::Precedent);

  auto wider = file(colleague_, {"bsn", "birthDate"});
  EXPECT_EQ(wider.state, RequestState::Pending);
}

TEST_P(AccessServiceTest, TheHolderMayGrantFewerFieldsAndAShorterValidity) {
  auto r = file(worker_, {"bsn", "familyName", "givenName"});
  const auto today = std::chrono::floor<std::chrono::days>(*clock_.now);
  Approval narrower{"only the names' family part, for a week",
                    std::vector<std::string>{"bsn", "familyName"}, today + std::chrono::days{7}};
  auto approved = service_->approve(admin_, r.id, narrower, "t");
  ASSERT_TRUE(std::holds_alternative<AccessRequest>(approved)) << code_of(approved);
  auto grants = service_->visible_grants(worker_);
  ASSERT_EQ(grants.size(), 1u);
  EXPECT_EQ(grants[0].fields, (std::vector<std::string>{"bsn", "familyName"}));
  EXPECT_EQ(grants[0].valid_until, TimePoint(today + std::chrono::days{8}));
  // The audit record of the grant says what was granted; the store keeps it across a restart.
  EXPECT_EQ(events_.back().type, "grant.created");
  service_ = open();
  grants = service_->visible_grants(worker_);
  ASSERT_EQ(grants.size(), 1u);
  EXPECT_EQ(grants[0].fields, (std::vector<std::string>{"bsn", "familyName"}));
  // The decision grants only those fields, and only through the chosen day.
  auto out = decide_intake(worker_);
  ASSERT_FALSE(out.problem) << out.problem->detail;
  EXPECT_EQ(out.decision.fields_granted, (std::vector<std::string>{"bsn", "familyName"}));
  *clock_.now += std::chrono::days{8};
  EXPECT_EQ(decide_intake(worker_).problem->code, "no-grant");
}

TEST_P(AccessServiceTest, AnApprovalCannotWidenTheRequestOrOutlastTheDefaults) {
  auto r = file(worker_, {"bsn", "givenName"});
  const auto today = std::chrono::floor<std::chrono::days>(*clock_.now);
  auto wider = service_->approve(
      admin_, r.id, Approval{"", std::vector<std::string>{"bsn", "birthDate"}, {}}, "t");
  ASSERT_EQ(code_of(wider), "fields-not-requested");
  EXPECT_EQ(std::get<Problem>(wider).invalid_params.at(0).reason, "'birthDate' was not requested");
  // The gateway's grant validity is 30 days: day 30 from now is the last allowed day.
  EXPECT_EQ(code_of(service_->approve(admin_, r.id, Approval{"", {}, today + std::chrono::days{31}},
                                      "t")),
            "invalid-valid-until");
  EXPECT_EQ(
      code_of(service_->approve(admin_, r.id, Approval{"", {}, today - std::chrono::days{1}}, "t")),
      "invalid-valid-until");
  // Nothing of the refused attempts was applied or audited as a decision.
  EXPECT_EQ(service_->visible_request(admin_, r.id)->state, RequestState::Pending);
  for (const auto& e : events_) EXPECT_NE(e.type, "grant.created");
  auto ok = service_->approve(admin_, r.id, Approval{"", {}, today + std::chrono::days{30}}, "t");
  ASSERT_TRUE(std::holds_alternative<AccessRequest>(ok)) << code_of(ok);
  EXPECT_LE(service_->visible_grants(worker_).at(0).valid_until,
            *clock_.now + std::chrono::days{30});
}

TEST_P(AccessServiceTest, ANarrowedApprovalIsAPrecedentOnlyForWhatItGranted) {
  auto first = file(worker_, {"bsn", "birthDate", "givenName"});
  const auto today = std::chrono::floor<std::chrono::days>(*clock_.now);
  ASSERT_TRUE(std::holds_alternative<AccessRequest>(service_->approve(
      admin_, first.id,
      Approval{"", std::vector<std::string>{"bsn", "givenName"}, today + std::chrono::days{10}},
      "t")));
  // Asking again for everything the first request asked is not approved by that precedent...
  EXPECT_EQ(file(colleague_, {"bsn", "birthDate", "givenName"}).state, RequestState::Pending);
  // ...what was granted is, and no longer than the holder granted it.
  auto same = file(colleague_, {"bsn", "givenName"});
  EXPECT_EQ(same.state, RequestState::Approved);
  EXPECT_EQ(same.approval, ApprovalKind::Precedent);
  for (const auto& g : service_->visible_grants(colleague_)) {
    EXPECT_LE(g.valid_until, TimePoint(today + std::chrono::days{11}));
  }
}

TEST_P(AccessServiceTest, PrecedentNeedsTheSameLegalBasis) {
  auto first = file(worker_, {"bsn"});
  service_->approve(admin_, first.id, "ok", "t");
  auto changed = *purposes_;
  changed[0].legal_basis.citation = "Andere wet, artikel 9";
  service_->reload_purposes(std::make_shared<const std::vector<Purpose>>(changed));
  EXPECT_EQ(file(colleague_, {"bsn"}).state, RequestState::Pending);
}

TEST_P(AccessServiceTest, RevokedPrecedentApprovesNothing) {
  auto first = file(worker_, {"bsn"});
  auto a = std::get<AccessRequest>(service_->approve(admin_, first.id, "ok", "t"));
  service_->revoke(admin_, a.grant_id, "t");
  EXPECT_EQ(file(colleague_, {"bsn"}).state, RequestState::Pending);
}

TEST_P(AccessServiceTest, OnlyTheHoldersSourceAdminDecides) {
  auto r = file(worker_, {"bsn"});
  // The requesting organisation's own admin may not approve another holder's dataset.
  EXPECT_EQ(code_of(service_->approve(caller(kGemeente, {"source-admin"}), r.id, "", "t")),
            "not-dataset-owner");
  // A third organisation's admin does not even learn the request exists.
  EXPECT_EQ(code_of(service_->approve(caller(kKvk, {"source-admin"}), r.id, "", "t")),
            "access-request-not-found");
  // The holder, but without the admin role.
  EXPECT_EQ(code_of(service_->approve(caller(kRvig, {"analyst"}), r.id, "", "t")),
            "not-dataset-owner");
  EXPECT_EQ(decide_intake(worker_).problem->code, "no-grant");
  EXPECT_EQ(events_.size(), 1u);  // only the filing
}

TEST_P(AccessServiceTest, RejectedRequestCannotBeApprovedLater) {
  auto r = file(worker_, {"bsn"});
  auto rejected = service_->reject(admin_, r.id, "no legal need", "t");
  EXPECT_EQ(std::get<AccessRequest>(rejected).state, RequestState::Rejected);
  EXPECT_EQ(code_of(service_->approve(admin_, r.id, "", "t")), "access-request-not-pending");
  EXPECT_EQ(events_.back().type, "access-request.rejected");
}

TEST_P(AccessServiceTest, RefusesInvalidFilings) {
  NewAccessRequest in{"case-worker", "intake", "persons", "persons", {"bsn"}, "m"};
  auto code = [&](const Identity& who, NewAccessRequest r) {
    auto out = service_->file_request(who, r, "t");
    return std::holds_alternative<Problem>(out) ? std::get<Problem>(out).code : "";
  };
  EXPECT_EQ(code(citizen("999990019"), in), "citizen-cannot-request");
  EXPECT_EQ(code(caller(kGemeente, {"analyst"}), in), "role-not-held");
  auto bad = in;
  bad.purpose_id = "nope";
  EXPECT_EQ(code(worker_, bad), "invalid-access-request");
  bad = in;
  bad.fields = {"bsn", "salary"};
  EXPECT_EQ(code(worker_, bad), "invalid-access-request");
  bad = in;
  bad.dataset = "sensors";
  EXPECT_EQ(code(worker_, bad), "invalid-access-request");
  EXPECT_EQ(code(worker_, in), "");
  EXPECT_EQ(code(worker_, in), "access-request-pending");  // a duplicate while pending
}

TEST_P(AccessServiceTest, EachOrganisationSeesItsOwnAndTheHolderSeesItsDatasets) {
  auto r = file(worker_, {"bsn"});
  EXPECT_EQ(service_->visible_requests(worker_, std::nullopt).size(), 1u);
  EXPECT_EQ(service_->visible_requests(admin_, RequestState::Pending).size(), 1u);
  EXPECT_EQ(service_->visible_requests(admin_, RequestState::Approved).size(), 0u);
  EXPECT_TRUE(service_->visible_requests(caller(kKvk, {"source-admin"}), std::nullopt).empty());
  EXPECT_TRUE(service_->visible_requests(caller(kRvig, {"analyst"}), std::nullopt).empty());
  EXPECT_FALSE(service_->visible_request(caller(kKvk, {"case-worker"}), r.id));
  EXPECT_TRUE(service_->visible_request(admin_, r.id));
}

// Decisions on other threads keep running on whole snapshots while grants change underneath, and
// see the final state as soon as the change returns.
TEST_P(AccessServiceTest, DecisionsStayConsistentWhileGrantsChange) {
  std::atomic<bool> stop{false};
  std::atomic<long> decisions{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 2; ++t) {
    readers.emplace_back([&] {
      while (!stop) {
        auto out = decide_intake(worker_);
        // Either no grant, or exactly the fields of one grant: never a torn mix.
        if (!out.problem) {
          EXPECT_EQ(out.decision.fields_granted, (std::vector<std::string>{"bsn"}));
        } else {
          EXPECT_EQ(out.problem->code, "no-grant");
        }
        ++decisions;
      }
    });
  }
  for (int i = 0; i < 20; ++i) {
    auto r = file(worker_, {"bsn"});
    auto a = std::get<AccessRequest>(service_->approve(admin_, r.id, "", "t"));
    EXPECT_FALSE(decide_intake(worker_).problem);
    ASSERT_TRUE(std::holds_alternative<Grant>(service_->revoke(admin_, a.grant_id, "t")));
    EXPECT_EQ(decide_intake(worker_).problem->code, "no-grant");
  }
  stop = true;
  for (auto& t : readers) t.join();
  EXPECT_GT(decisions.load(), 0);
}

// Every AccessServiceTest (here, in four_eyes_test.cpp and audit_fail_closed_test.cpp) runs on
// both stores: they must behave the same.
INSTANTIATE_TEST_SUITE_P(Stores, AccessServiceTest, ::testing::Values("sqlite", "postgres"),
                         [](const auto& param_info) { return param_info.param; });

}  // namespace
}  // namespace bronpoort::access
