// The same conformance tests for the SQLite and the PostgreSQL store. PostgreSQL runs when
// BRONPOORT_TEST_PG_DSN is set, in a database of its own that is dropped afterwards.
#include <bronpoort/access/access_store.hpp>

#include "unit/access/access_test_support.hpp"
#include "unit/access/store_handles.hpp"

#include <gtest/gtest.h>

#include <cstdlib>

namespace bronpoort::access {
namespace {

using namespace test;

class AccessStoreTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "postgres") {
      const char* dsn = test_pg_dsn();
      if (!dsn) {
        if (std::getenv("BRONPOORT_REQUIRE_PG")) FAIL() << "BRONPOORT_TEST_PG_DSN is not set";
        GTEST_SKIP() << "BRONPOORT_TEST_PG_DSN is not set";
      }
      handle_ = std::make_unique<PostgresHandle>(dsn);
    } else {
      handle_ = std::make_unique<SqliteHandle>();
    }
    store_ = handle_->open();
    store_->migrate();
    store_->migrate();  // idempotent
  }
  void TearDown() override {
    store_.reset();
    handle_.reset();
  }

  static AccessRequest request(std::string id) {
    AccessRequest r;
    r.id = std::move(id);
    r.organisation = kGemeente;
    r.requester = "worker-1";
    r.role = "case-worker";
    r.purpose_id = "intake";
    r.legal_basis = "Wet gemeentelijke schuldhulpverlening, artikel 4a";
    r.dataset = "persons";
    r.resource = "persons";
    r.fields = {"bsn", "givenName"};
    r.motivation = "quote ' and \"; DROP TABLE access_grants; --";
    r.owner_organisation = kRvig;
    r.created_at = at(2026, 5, 1);
    return r;
  }

  std::unique_ptr<StoreHandle> handle_;
  std::unique_ptr<AccessStore> store_;
};

TEST_P(AccessStoreTest, RoundTripsRequestsAndGrants) {
  auto r = request("ar-1");
  store_->insert_request(r, std::nullopt);
  auto pending = store_->load_requests();
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_EQ(access_request_to_json(pending[0]), access_request_to_json(r));

  auto approved = r;
  approved.id = "ar-2";
  approved.state = RequestState::Approved;
  approved.approval = ApprovalKind::Precedent;
  approved.precedent_id = "ar-1";
  approved.decided_at = at(2026, 5, 2);
  approved.decided_by = "auto";
  approved.grant_id = "gr-2";
  auto g = grant("gr-2", kGemeente, "case-worker", "intake", "persons", "persons", {"bsn"});
  g.approval = ApprovalKind::Precedent;
  g.precedent_id = "ar-1";
  g.access_request_id = "ar-2";
  store_->insert_request(approved, g);

  auto reopened = handle_->open();  // a second instance sees the same state
  auto requests = reopened->load_requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(access_request_to_json(requests[1]), access_request_to_json(approved));
  auto grants = reopened->load_grants();
  ASSERT_EQ(grants.size(), 1u);
  EXPECT_EQ(grant_to_json(grants[0], at(2026, 6, 1)), grant_to_json(g, at(2026, 6, 1)));
}

TEST_P(AccessStoreTest, DecidesAPendingRequestOnlyOnce) {
  auto r = request("ar-1");
  store_->insert_request(r, std::nullopt);
  auto decided = r;
  decided.state = RequestState::Approved;
  decided.decided_at = at(2026, 5, 3);
  decided.decided_by = "admin-1";
  decided.grant_id = "gr-1";
  auto g = grant("gr-1", kGemeente, "case-worker", "intake", "persons", "persons", {"bsn"});
  EXPECT_TRUE(store_->decide_request(decided, g));
  // A second instance deciding the same request loses, and writes no second grant.
  auto again = decided;
  again.state = RequestState::Rejected;
  auto g2 = grant("gr-x", kGemeente, "case-worker", "intake", "persons", "persons", {"bsn"});
  EXPECT_FALSE(handle_->open()->decide_request(again, g2));
  EXPECT_EQ(store_->load_requests()[0].state, RequestState::Approved);
  ASSERT_EQ(store_->load_grants().size(), 1u);
  EXPECT_FALSE(store_->decide_request(request("ar-unknown"), std::nullopt));
}

TEST_P(AccessStoreTest, RevokesOnce) {
  auto g = grant("gr-1", kGemeente, "case-worker", "intake", "persons", "persons", {"bsn"});
  store_->insert_request(request("ar-1"), g);
  EXPECT_TRUE(store_->revoke_grant("gr-1", at(2026, 5, 5), "admin-1"));
  EXPECT_FALSE(store_->revoke_grant("gr-1", at(2026, 5, 6), "admin-2"));
  EXPECT_FALSE(store_->revoke_grant("gr-none", at(2026, 5, 6), "admin-2"));
  auto grants = store_->load_grants();
  ASSERT_TRUE(grants[0].revoked_at);
  EXPECT_EQ(*grants[0].revoked_at, at(2026, 5, 5));
  EXPECT_EQ(grants[0].revoked_by, "admin-1");
}

TEST_P(AccessStoreTest, DuplicateIdFailsWithoutHalfWrites) {
  auto g = grant("gr-1", kGemeente, "case-worker", "intake", "persons", "persons", {"bsn"});
  store_->insert_request(request("ar-1"), std::nullopt);
  EXPECT_THROW(store_->insert_request(request("ar-1"), g), StoreError);
  EXPECT_TRUE(store_->load_grants().empty());             // the grant rolled back with the request
  store_->insert_request(request("ar-2"), std::nullopt);  // the store still works
  EXPECT_EQ(store_->load_requests().size(), 2u);
}

INSTANTIATE_TEST_SUITE_P(Access, AccessStoreTest, ::testing::Values("sqlite", "postgres"),
                         [](const auto& param_info) { return param_info.param; });

TEST(AccessStore, UnreachablePostgresIsAStoreError) {
  EXPECT_THROW(open_postgres_store("host=127.0.0.1 port=1 connect_timeout=1"), StoreError);
}

}  // namespace
}  // namespace bronpoort::access
