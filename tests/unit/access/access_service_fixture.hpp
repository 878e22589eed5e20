#pragma once
// The access service over a real store — SQLite, and PostgreSQL when BRONPOORT_TEST_PG_DSN is
// set (the suite is instantiated for both in access_service_test.cpp) — with a test clock and an
// audit hook the test controls: by default every record is durable and kept in `events_`;
// `audit_fails_` makes chosen records fail, as a processing log that cannot commit would. Shared by
// the service, four-eyes and fail-closed audit tests.
#include <bronpoort/access/access_service.hpp>
#include <bronpoort/access/decision.hpp>

#include "unit/access/access_test_support.hpp"
#include "unit/access/store_handles.hpp"

#include <gtest/gtest.h>

#include <functional>

namespace bronpoort::access::test {

// A real store whose writes can be made to fail, as a database that went away would.
class SwitchableStore final : public AccessStore {
 public:
  SwitchableStore(std::unique_ptr<AccessStore> inner, std::shared_ptr<bool> fail)
      : inner_(std::move(inner)), fail_(std::move(fail)) {}
  void migrate() override { inner_->migrate(); }
  std::vector<AccessRequest> load_requests() override { return inner_->load_requests(); }
  std::vector<Grant> load_grants() override { return inner_->load_grants(); }
  void insert_request(const AccessRequest& r, const std::optional<Grant>& g) override {
    check();
    inner_->insert_request(r, g);
  }
  bool decide_request(const AccessRequest& r, const std::optional<Grant>& g) override {
    check();
    return inner_->decide_request(r, g);
  }
  bool revoke_grant(const std::string& id, TimePoint at, const std::string& by) override {
    check();
    return inner_->revoke_grant(id, at, by);
  }

 private:
  void check() const {
    if (*fail_) throw StoreError("down");
  }
  std::unique_ptr<AccessStore> inner_;
  std::shared_ptr<bool> fail_;
};

class AccessServiceTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "postgres") {
      if (!test_pg_dsn()) {
        if (std::getenv("BRONPOORT_REQUIRE_PG")) FAIL() << "BRONPOORT_TEST_PG_DSN is not set";
        GTEST_SKIP() << "BRONPOORT_TEST_PG_DSN is not set";
      }
      handle_ = std::make_unique<PostgresHandle>(test_pg_dsn());
    } else {
      handle_ = std::make_unique<SqliteHandle>();
    }
    auto shared = purpose("shared-intake", {"case-worker"},
                          {{"persons", {{"persons", {"bsn", "givenName", "familyName"}}}}});
    shared.precedent_across_organisations = true;
    purposes_ = std::make_shared<const std::vector<Purpose>>(std::vector<Purpose>{
        purpose("intake", {"case-worker"},
                {{"persons", {{"persons", {"bsn", "givenName", "familyName", "birthDate"}}}}}),
        purpose("address-check", {"case-worker"},
                {{"addresses", {{"addresses", {"addressId", "street"}}}}}, PurposeScope::Case,
                true),
        shared,
    });
    service_ = open();
  }
  void TearDown() override {
    service_.reset();
    handle_.reset();
  }

  std::shared_ptr<AccessService> open() {
    AccessServiceOptions options;
    options.grant_validity = std::chrono::days{30};
    options.clock = clock_.fn();
    options.audit = [this](const AuditEvent& e) {
      if (audit_fails_ && audit_fails_(e)) return AuditOutcome::Failed;
      events_.push_back(e);
      return AuditOutcome::Durable;
    };
    options.dataset_owner = [](const std::string& dataset) -> std::optional<std::string> {
      if (dataset == "persons" || dataset == "addresses") return std::string(kRvig);
      return std::nullopt;
    };
    return AccessService::open(std::make_unique<SwitchableStore>(handle_->open(), store_fails_),
                               purposes_, options);
  }

  DecisionOutcome decide_intake(const Identity& who, const std::string& purpose_id = "intake") {
    auto snapshot = service_->snapshot();
    DataQuery q = search_by("bsn", "999990019");
    return decide(*snapshot, {who, purpose_id, persons_route(), q, *clock_.now});
  }

  Result<AccessRequest> try_file(const Identity& who, std::vector<std::string> fields,
                                 std::string purpose_id = "intake") {
    NewAccessRequest in{"case-worker", purpose_id,        "persons",
                        "persons",     std::move(fields), "intake of debt assistance"};
    if (purpose_id == "address-check") {
      in.dataset = in.resource = "addresses";
      in.fields = {"street"};
    }
    return service_->file_request(who, in, "trace-1");
  }

  AccessRequest file(const Identity& who, std::vector<std::string> fields,
                     std::string purpose_id = "intake") {
    auto r = try_file(who, std::move(fields), std::move(purpose_id));
    EXPECT_TRUE(std::holds_alternative<AccessRequest>(r)) << std::get<Problem>(r).code;
    return std::get<AccessRequest>(r);
  }

  template <typename T>
  static std::string code_of(const Result<T>& r) {
    return std::holds_alternative<Problem>(r) ? std::get<Problem>(r).code : "";
  }

  // A connection of its own to the service's store, to look behind the service's back.
  std::unique_ptr<AccessStore> store_connection() const { return handle_->open(); }

  // The request as the store holds it, not the service's copy.
  std::optional<AccessRequest> stored_request(const std::string& id) const {
    for (auto& r : store_connection()->load_requests()) {
      if (r.id == id) return r;
    }
    return std::nullopt;
  }

  std::unique_ptr<StoreHandle> handle_;
  TestClock clock_;
  PurposeList purposes_;
  std::vector<AuditEvent> events_;                      // durable records, in order
  std::function<bool(const AuditEvent&)> audit_fails_;  // empty: every record is durable
  std::shared_ptr<bool> store_fails_ = std::make_shared<bool>(false);
  std::shared_ptr<AccessService> service_;
  const Identity worker_ = caller(kGemeente, {"case-worker"}, "worker-1");
  const Identity colleague_ = caller(kGemeente, {"case-worker"}, "worker-2");
  const Identity admin_ = caller(kRvig, {"source-admin"}, "admin-1");
};

}  // namespace bronpoort::access::test
