// The access endpoints called as the router would: an Endpoint with a RequestContext, including
// the attacks (foreign approval, citizens, oversize and malformed bodies, path injection).
#include <bronpoort/access/endpoints.hpp>

#include "unit/access/access_test_support.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <set>

#include <unistd.h>

namespace bronpoort::access {
namespace {

using namespace test;

// Keeps state in memory and fails every write, as a database that went away would.
class FailingStore final : public AccessStore {
 public:
  void migrate() override {}
  std::vector<AccessRequest> load_requests() override { return {}; }
  std::vector<Grant> load_grants() override { return {}; }
  void insert_request(const AccessRequest&, const std::optional<Grant>&) override {
    throw StoreError("connection refused to db.internal:5432");
  }
  bool decide_request(const AccessRequest&, const std::optional<Grant>&) override {
    throw StoreError("down");
  }
  bool revoke_grant(const std::string&, TimePoint, const std::string&) override {
    throw StoreError("down");
  }
};

class EndpointsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = std::filesystem::temp_directory_path() /
          ("bronpoort-endpoints-" + std::to_string(::getpid()) + "-" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".db");
    std::filesystem::remove(db_);
    build(open_sqlite_store(db_));
  }
  void TearDown() override {
    routes_.clear();
    service_.reset();
    for (auto s : {"", "-wal", "-shm"}) std::filesystem::remove(db_.string() + s);
  }

  void build(std::unique_ptr<AccessStore> store, AuditHook audit = {}) {
    auto purposes = std::make_shared<const std::vector<Purpose>>(std::vector<Purpose>{
        purpose("intake", {"case-worker"},
                {{"persons", {{"persons", {"bsn", "givenName", "familyName"}}}}}),
    });
    AccessServiceOptions options;
    options.clock = clock_.fn();
    options.audit = std::move(audit);
    options.dataset_owner = [](const std::string& d) -> std::optional<std::string> {
      if (d == "persons") return std::string(kRvig);
      return std::nullopt;
    };
    service_ = AccessService::open(std::move(store), purposes, options);
    routes_ = make_access_endpoints({service_, executor_, 4096});
  }

  struct Call {
    RequestContext ctx;
    bool done = false;
    Flow flow = Flow::Continue;
    nlohmann::json json() const { return nlohmann::json::parse(ctx.response.body); }
    int status() const { return ctx.problem ? ctx.problem->status : ctx.response.status; }
    std::string code() const { return ctx.problem ? ctx.problem->code : ""; }
  };

  // Calls the endpoint registered for (method, template); runs queued executor work.
  std::unique_ptr<Call> call(const Identity& who, const std::string& method,
                             const std::string& path_template, std::string body = {},
                             std::map<std::string, std::string> params = {},
                             std::vector<std::pair<std::string, std::string>> query = {}) {
    auto c = std::make_unique<Call>();
    const EndpointRoute* route = nullptr;
    for (const auto& r : routes_) {
      if (r.method == method && r.path_template == path_template) route = &r;
    }
    EXPECT_NE(route, nullptr) << method << " " << path_template;
    if (!route) return c;
    c->ctx.identity = who;
    c->ctx.request.method = method;
    c->ctx.request.path = path_template;
    c->ctx.request.body = std::move(body);
    c->ctx.request.query = std::move(query);
    c->ctx.route.kind = RouteKind::Endpoint;
    c->ctx.route.params = std::move(params);
    c->ctx.route.endpoint = route->endpoint.get();
    c->ctx.trace.trace_id = "0af7651916cd43dd8448eb211c80319c";
    auto* raw = c.get();
    route->endpoint->handle(c->ctx, [raw](Flow f) {
      EXPECT_FALSE(raw->done) << "done called twice";
      raw->done = true;
      raw->flow = f;
    });
    executor_->run_all();
    EXPECT_TRUE(c->done);
    return c;
  }

  std::string file_request(const Identity& who) {
    auto c = call(who, "POST", "/v1/access-requests",
                  R"({"role": "case-worker", "purpose": "intake", "dataset": "persons",
                      "resource": "persons", "fields": ["bsn", "givenName"],
                      "motivation": "intake"})");
    EXPECT_EQ(c->status(), 201) << c->code();
    return c->json()["id"];
  }

  std::filesystem::path db_;
  TestClock clock_;
  std::shared_ptr<QueuedExecutor> executor_ = std::make_shared<QueuedExecutor>();
  std::shared_ptr<AccessService> service_;
  std::vector<EndpointRoute> routes_;
  const Identity worker_ = caller(kGemeente, {"case-worker"}, "worker-1");
  const Identity admin_ = caller(kRvig, {"source-admin"}, "admin-1");
};

TEST_F(EndpointsTest, OffersTheDocumentedRoutes) {
  std::set<std::string> got;
  for (const auto& r : routes_) got.insert(r.method + " " + r.path_template);
  EXPECT_EQ(got, (std::set<std::string>{"GET /v1/purposes", "GET /v1/purposes/{id}",
                                        "POST /v1/access-checks", "POST /v1/access-requests",
                                        "GET /v1/access-requests", "GET /v1/access-requests/{id}",
                                        "POST /v1/access-requests/{id}/approve",
                                        "POST /v1/access-requests/{id}/reject", "GET /v1/grants",
                                        "DELETE /v1/grants/{id}"}));
}

TEST_F(EndpointsTest, ListsAndShowsPurposes) {
  auto list = call(Identity{}, "GET", "/v1/purposes");
  EXPECT_EQ(list->status(), 200);
  EXPECT_EQ(list->json()["purposes"][0]["id"], "intake");
  auto one = call(Identity{}, "GET", "/v1/purposes/{id}", "", {{"id", "intake"}});
  EXPECT_EQ(one->json()["legalBasis"]["citation"], "Testwet, artikel 1");
  auto evil = call(Identity{}, "GET", "/v1/purposes/{id}", "", {{"id", "../intake"}});
  EXPECT_EQ(evil->status(), 404);
}

TEST_F(EndpointsTest, FilingWaitsForTheExecutor) {
  auto c = std::make_unique<Call>();
  c->ctx.identity = worker_;
  c->ctx.request.body = R"({"role": "case-worker", "purpose": "intake", "dataset": "persons",
      "resource": "persons", "fields": ["bsn"], "motivation": "m"})";
  for (const auto& r : routes_) {
    if (r.method == "POST" && r.path_template == "/v1/access-requests") {
      r.endpoint->handle(c->ctx, [&](Flow) { c->done = true; });
    }
  }
  EXPECT_FALSE(c->done);  // the store write has not run on the calling (I/O) thread
  EXPECT_EQ(executor_->queue.size(), 1u);
  executor_->run_all();
  EXPECT_TRUE(c->done);
  EXPECT_EQ(c->ctx.response.status, 201);
  EXPECT_EQ(*c->ctx.response.headers.find("Location"),
            "/v1/access-requests/" +
                nlohmann::json::parse(c->ctx.response.body)["id"].get<std::string>());
}

TEST_F(EndpointsTest, RequestApproveUseRevokeFlow) {
  auto id = file_request(worker_);
  auto pending = call(admin_, "GET", "/v1/access-requests", "", {}, {{"state", "pending"}});
  ASSERT_EQ(pending->json()["accessRequests"].size(), 1u);
  auto approved = call(admin_, "POST", "/v1/access-requests/{id}/approve",
                       R"({"reason": "lawful"})", {{"id", id}});
  ASSERT_EQ(approved->status(), 200) << approved->code();
  std::string grant_id = approved->json()["grant"];
  auto mine = call(worker_, "GET", "/v1/access-requests/{id}", "", {{"id", id}});
  EXPECT_EQ(mine->json()["state"], "approved");

  auto grants = call(worker_, "GET", "/v1/grants");
  ASSERT_EQ(grants->json()["grants"].size(), 1u);
  EXPECT_EQ(grants->json()["grants"][0]["state"], "active");
  auto check = call(worker_, "POST", "/v1/access-checks",
                    R"({"purpose": "intake", "dataset": "persons", "resource": "persons",
                        "fields": ["bsn", "familyName"]})");
  auto explained = check->json();
  EXPECT_TRUE(explained["allowed"]);
  EXPECT_TRUE(explained["fields"][0]["allowed"]);
  EXPECT_FALSE(explained["fields"][1]["allowed"]);
  EXPECT_EQ(explained["accessRequest"]["body"]["fields"], nlohmann::json::array({"familyName"}));

  auto revoked = call(admin_, "DELETE", "/v1/grants/{id}", "", {{"id", grant_id}});
  EXPECT_EQ(revoked->json()["state"], "revoked");
  auto after = call(worker_, "POST", "/v1/access-checks",
                    R"({"purpose": "intake", "dataset": "persons", "resource": "persons"})");
  EXPECT_FALSE(after->json()["allowed"]);
  EXPECT_EQ(after->json()["code"], "no-grant");
  EXPECT_EQ(after->json()["purpose"]["legalBasis"]["citation"], "Testwet, artikel 1");
}

std::string iso_day(std::chrono::sys_days d) {
  const std::chrono::year_month_day ymd{d};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", int(ymd.year()), unsigned(ymd.month()),
                unsigned(ymd.day()));
  return buf;
}

TEST_F(EndpointsTest, ApproveTakesNarrowerFieldsAndValidity) {
  auto id = file_request(worker_);
  const auto last =
      iso_day(std::chrono::floor<std::chrono::days>(*clock_.now) + std::chrono::days{5});
  // Refused: a field that was not requested, a member approve does not know, a bad date; a
  // rejection takes no fields.
  auto wider = call(admin_, "POST", "/v1/access-requests/{id}/approve",
                    R"({"fields": ["bsn", "birthDate"]})", {{"id", id}});
  EXPECT_EQ(wider->status(), 400);
  EXPECT_EQ(wider->code(), "fields-not-requested");
  EXPECT_EQ(
      call(admin_, "POST", "/v1/access-requests/{id}/approve", R"({"scope": "all"})", {{"id", id}})
          ->status(),
      400);
  EXPECT_EQ(call(admin_, "POST", "/v1/access-requests/{id}/approve",
                 R"({"validUntil": "2026-02-30"})", {{"id", id}})
                ->status(),
            400);
  EXPECT_EQ(
      call(admin_, "POST", "/v1/access-requests/{id}/approve", R"({"fields": []})", {{"id", id}})
          ->status(),
      400);
  EXPECT_EQ(call(admin_, "POST", "/v1/access-requests/{id}/reject", R"({"fields": ["bsn"]})",
                 {{"id", id}})
                ->status(),
            400);
  auto approved =
      call(admin_, "POST", "/v1/access-requests/{id}/approve",
           R"({"reason": "names only", "fields": ["bsn"], "validUntil": ")" + last + R"("})",
           {{"id", id}});
  ASSERT_EQ(approved->status(), 200) << approved->code();
  auto grants = call(worker_, "GET", "/v1/grants");
  ASSERT_EQ(grants->json()["grants"].size(), 1u);
  const auto grant = grants->json()["grants"][0];
  EXPECT_EQ(grant["fields"], nlohmann::json::array({"bsn"}));
  EXPECT_EQ(grant["validUntil"].get<std::string>().substr(0, 10),
            iso_day(std::chrono::floor<std::chrono::days>(*clock_.now) + std::chrono::days{6}));
}

TEST_F(EndpointsTest, ForeignAdminCannotApproveOrRevoke) {
  auto id = file_request(worker_);
  auto own_admin = call(caller(kGemeente, {"source-admin"}), "POST",
                        "/v1/access-requests/{id}/approve", "", {{"id", id}});
  EXPECT_EQ(own_admin->status(), 403);
  EXPECT_EQ(own_admin->code(), "not-dataset-owner");
  auto stranger = call(caller(kKvk, {"source-admin"}), "POST", "/v1/access-requests/{id}/approve",
                       "", {{"id", id}});
  EXPECT_EQ(stranger->status(), 404);
  auto approved = call(admin_, "POST", "/v1/access-requests/{id}/approve", "", {{"id", id}});
  std::string grant_id = approved->json()["grant"];
  auto steal =
      call(caller(kKvk, {"source-admin"}), "DELETE", "/v1/grants/{id}", "", {{"id", grant_id}});
  EXPECT_EQ(steal->status(), 404);
  EXPECT_TRUE(call(caller(kKvk, {"source-admin"}), "GET", "/v1/grants")->json()["grants"].empty());
}

// Lists come in pages, oldest first, with the total and links to the neighbouring pages; a bad
// page or pageSize is a 400 naming it.
TEST_F(EndpointsTest, ListsArePagedWithTotalAndLinks) {
  std::vector<std::string> ids;
  for (const char* fields : {R"(["bsn"])", R"(["givenName"])", R"(["familyName"])",
                             R"(["bsn", "givenName"])", R"(["bsn", "familyName"])"}) {
    auto c = call(worker_, "POST", "/v1/access-requests",
                  std::string(R"({"role": "case-worker", "purpose": "intake", "dataset": "persons",
                      "resource": "persons", "motivation": "intake", "fields": )") +
                      fields + "}");
    ASSERT_EQ(c->status(), 201) << c->code();
    ids.push_back(c->json()["id"]);
  }
  auto first =
      call(admin_, "GET", "/v1/access-requests", "", {}, {{"state", "pending"}, {"pageSize", "2"}});
  ASSERT_EQ(first->status(), 200);
  auto body = first->json();
  ASSERT_EQ(body["accessRequests"].size(), 2u);
  EXPECT_EQ(body["accessRequests"][0]["id"], ids[0]);
  EXPECT_EQ(body["accessRequests"][1]["id"], ids[1]);
  EXPECT_EQ(body["total"], 5);
  EXPECT_EQ(body["page"], 1);
  EXPECT_EQ(body["pageSize"], 2);
  EXPECT_EQ(body["_links"]["next"]["href"], "/v1/access-requests?state=pending&pageSize=2&page=2");
  EXPECT_FALSE(body["_links"].contains("prev"));
  EXPECT_EQ(*first->ctx.response.headers.find("Link"),
            "</v1/access-requests?state=pending&pageSize=2&page=2>; rel=\"next\"");

  auto last = call(admin_, "GET", "/v1/access-requests", "", {},
                   {{"state", "pending"}, {"pageSize", "2"}, {"page", "3"}});
  ASSERT_EQ(last->json()["accessRequests"].size(), 1u);
  EXPECT_EQ(last->json()["accessRequests"][0]["id"], ids[4]);
  EXPECT_FALSE(last->json()["_links"].contains("next"));
  EXPECT_EQ(last->json()["_links"]["prev"]["href"],
            "/v1/access-requests?state=pending&pageSize=2&page=2");
  auto beyond = call(admin_, "GET", "/v1/access-requests", "", {}, {{"page", "9"}});
  EXPECT_TRUE(beyond->json()["accessRequests"].empty());
  EXPECT_EQ(beyond->json()["total"], 5);

  for (const auto& [key, value] : std::vector<std::pair<std::string, std::string>>{
           {"page", "0"}, {"pageSize", "201"}, {"pageSize", "x"}, {"page", "1e3"}}) {
    auto bad = call(admin_, "GET", "/v1/access-requests", "", {}, {{key, value}});
    EXPECT_EQ(bad->status(), 400) << key << "=" << value;
    ASSERT_FALSE(bad->ctx.problem->invalid_params.empty());
    EXPECT_EQ(bad->ctx.problem->invalid_params[0].name, key);
  }

  // Grants: the same paging, and a state filter.
  for (std::size_t i = 0; i < 3; ++i) {
    ASSERT_EQ(
        call(admin_, "POST", "/v1/access-requests/{id}/approve", "", {{"id", ids[i]}})->status(),
        200);
  }
  auto grants = call(worker_, "GET", "/v1/grants", "", {}, {{"pageSize", "2"}});
  EXPECT_EQ(grants->json()["grants"].size(), 2u);
  EXPECT_EQ(grants->json()["total"], 3);
  std::string revoked_id = grants->json()["grants"][0]["id"];
  ASSERT_EQ(call(worker_, "DELETE", "/v1/grants/{id}", "", {{"id", revoked_id}})->status(), 200);
  auto active = call(worker_, "GET", "/v1/grants", "", {}, {{"state", "active"}});
  EXPECT_EQ(active->json()["total"], 2);
  auto revoked = call(worker_, "GET", "/v1/grants", "", {}, {{"state", "revoked"}});
  ASSERT_EQ(revoked->json()["grants"].size(), 1u);
  EXPECT_EQ(revoked->json()["grants"][0]["id"], revoked_id);
  EXPECT_EQ(call(worker_, "GET", "/v1/grants", "", {}, {{"state", "all"}})->status(), 400);
}

TEST_F(EndpointsTest, CitizensCannotFileOrList) {
  auto c = call(citizen("999990019"), "POST", "/v1/access-requests",
                R"({"role": "data-subject", "purpose": "intake", "dataset": "persons",
                    "resource": "persons", "fields": ["bsn"], "motivation": "mine"})");
  EXPECT_EQ(c->status(), 403);
  EXPECT_EQ(c->code(), "citizen-not-allowed");
  EXPECT_EQ(call(citizen("999990019"), "GET", "/v1/grants")->status(), 403);
}

TEST_F(EndpointsTest, RefusesBadBodies) {
  auto huge = call(worker_, "POST", "/v1/access-requests", std::string(5000, ' '));
  EXPECT_EQ(huge->status(), 413);
  EXPECT_EQ(huge->code(), "body-too-large");
  EXPECT_EQ(call(worker_, "POST", "/v1/access-requests", "{\"role\": ")->code(), "invalid-json");
  auto array = call(worker_, "POST", "/v1/access-requests", "[1]");
  EXPECT_EQ(array->status(), 400);
  EXPECT_EQ(array->code(), "invalid-request");
  EXPECT_EQ(array->ctx.problem->invalid_params[0].code, "type");
  auto unknown = call(worker_, "POST", "/v1/access-requests",
                      R"({"role": "case-worker", "purpose": "intake", "dataset": "persons",
                          "resource": "persons", "fields": ["bsn"], "motivation": "m",
                          "state": "approved"})");
  EXPECT_EQ(unknown->code(), "invalid-request");
  EXPECT_EQ(unknown->ctx.problem->invalid_params[0].name, "/state");
  EXPECT_EQ(unknown->ctx.problem->invalid_params[0].code, "additionalProperties");
  auto injected = call(worker_, "POST", "/v1/access-requests",
                       R"({"role": "case-worker", "purpose": "intake'; DROP TABLE x; --",
                           "dataset": "persons", "resource": "persons", "fields": ["bsn"],
                           "motivation": "m"})");
  EXPECT_EQ(injected->code(), "invalid-request");
  EXPECT_EQ(injected->ctx.problem->invalid_params[0].name, "/purpose");
  EXPECT_EQ(injected->ctx.problem->invalid_params[0].code, "pattern");
  EXPECT_NE(injected->ctx.problem->invalid_params[0].reason.find("kebab-case"), std::string::npos);
  // Every violation in one answer, and nothing filed.
  auto everything = call(worker_, "POST", "/v1/access-requests",
                         R"({"role": 7, "dataset": "persons", "resource": "persons",
                             "fields": [], "motivation": ""})");
  EXPECT_EQ(everything->code(), "invalid-request");
  std::set<std::string> pointers;
  for (const auto& ip : everything->ctx.problem->invalid_params) pointers.insert(ip.name);
  EXPECT_EQ(pointers, (std::set<std::string>{"/", "/role", "/fields", "/motivation"}));
  auto reason =
      call(admin_, "POST", "/v1/access-requests/{id}/reject", R"({"reason": 1})", {{"id", "ar-1"}});
  EXPECT_EQ(reason->code(), "invalid-request");
  auto check = call(worker_, "POST", "/v1/access-checks", R"({"purpose": "intake"})");
  EXPECT_EQ(check->code(), "invalid-request");
  EXPECT_EQ(call(worker_, "GET", "/v1/access-requests", "", {}, {{"state", "all"}})->status(), 400);
  EXPECT_EQ(call(worker_, "GET", "/v1/access-requests", "", {}, {{"owner", "x"}})->code(),
            "unknown-parameter");
  EXPECT_EQ(
      call(admin_, "POST", "/v1/access-requests/{id}/approve", "", {{"id", "AR 1"}})->status(),
      404);
  EXPECT_TRUE(service_->visible_requests(worker_, std::nullopt).empty());
}

// Four eyes over HTTP: one token with both the requesting role and source-admin at the holder
// files a request and cannot approve or reject it.
TEST_F(EndpointsTest, RequesterWithBothRolesCannotDecideTheirOwnRequest) {
  const auto both = caller(kRvig, {"case-worker", "source-admin"}, "alice");
  auto id = file_request(both);
  for (const char* action :
       {"/v1/access-requests/{id}/approve", "/v1/access-requests/{id}/reject"}) {
    auto c = call(both, "POST", action, R"({"reason": "mine"})", {{"id", id}});
    EXPECT_EQ(c->status(), 403) << action;
    EXPECT_EQ(c->code(), "four-eyes-required") << action;
  }
  EXPECT_EQ(call(both, "GET", "/v1/access-requests/{id}", "", {{"id", id}})->json()["state"],
            "pending");
  EXPECT_EQ(call(admin_, "POST", "/v1/access-requests/{id}/approve", "", {{"id", id}})->status(),
            200);
}

// Fail-closed audit over HTTP: the log refuses the record, the endpoint answers 503 and nothing
// changed.
TEST_F(EndpointsTest, ApprovalWhoseRecordFailsIs503AndChangesNothing) {
  auto log_down = std::make_shared<bool>(false);
  build(open_sqlite_store(db_), [log_down](const AuditEvent&) {
    return *log_down ? AuditOutcome::Failed : AuditOutcome::Durable;
  });
  auto id = file_request(worker_);
  *log_down = true;
  auto approved = call(admin_, "POST", "/v1/access-requests/{id}/approve", "", {{"id", id}});
  EXPECT_EQ(approved->status(), 503);
  EXPECT_EQ(approved->code(), "audit-unavailable");
  EXPECT_EQ(call(worker_, "GET", "/v1/access-requests/{id}", "", {{"id", id}})->json()["state"],
            "pending");
  EXPECT_TRUE(call(worker_, "GET", "/v1/grants")->json()["grants"].empty());

  *log_down = false;
  approved = call(admin_, "POST", "/v1/access-requests/{id}/approve", "", {{"id", id}});
  ASSERT_EQ(approved->status(), 200);
  std::string grant_id = approved->json()["grant"];
  *log_down = true;
  auto revoked = call(admin_, "DELETE", "/v1/grants/{id}", "", {{"id", grant_id}});
  EXPECT_EQ(revoked->status(), 503);
  EXPECT_EQ(revoked->code(), "audit-unavailable");
  EXPECT_EQ(call(worker_, "GET", "/v1/grants")->json()["grants"][0]["state"], "active");
}

TEST_F(EndpointsTest, StoreFailureIs503WithoutLeakingDetails) {
  build(std::make_unique<FailingStore>());
  auto c = call(worker_, "POST", "/v1/access-requests",
                R"({"role": "case-worker", "purpose": "intake", "dataset": "persons",
                    "resource": "persons", "fields": ["bsn"], "motivation": "m"})");
  EXPECT_EQ(c->status(), 503);
  EXPECT_EQ(c->code(), "store-unavailable");
  EXPECT_EQ(c->ctx.problem->detail.find("db.internal"), std::string::npos);
  EXPECT_TRUE(service_->visible_requests(worker_, std::nullopt).empty());
}

}  // namespace
}  // namespace bronpoort::access
