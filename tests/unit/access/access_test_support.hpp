#pragma once
// Builders shared by the access tests: purposes, identities, data routes and queries, a clock the
// test moves, and an executor that runs work at once (or queues it, to prove work is deferred).

#include <bronpoort/access/access_service.hpp>
#include <bronpoort/access/policy_snapshot.hpp>
#include <bronpoort/core/request_context.hpp>
#include <bronpoort/core/stage.hpp>

#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace bronpoort::access::test {

inline constexpr const char* kGemeente = "00000001001234567000";  // case workers' municipality
inline constexpr const char* kBureau = "00000001002345678000";    // statistics bureau (analysts)
inline constexpr const char* kRvig = "00000001003456789000";      // holds persons
inline constexpr const char* kKvk = "00000001004567890000";       // holds businesses
inline constexpr const char* kRivm = "00000001005678901000";      // holds sensors

inline std::chrono::sys_days day(int y, unsigned m, unsigned d) {
  return std::chrono::sys_days{std::chrono::year{y} / std::chrono::month{m} / std::chrono::day{d}};
}
inline TimePoint at(int y, unsigned m, unsigned d) {
  return TimePoint{day(y, m, d)};
}

inline Purpose purpose(std::string id, std::vector<std::string> roles, Coverage coverage,
                       PurposeScope scope = PurposeScope::Case, bool pre_approved = false) {
  Purpose p;
  p.id = std::move(id);
  p.name = p.id;
  p.description = "test purpose";
  p.legal_basis = {"Testwet, artikel 1", LegalBasisCategory::PublicTask};
  p.processing_activity = "https://register.example.nl/va/" + p.id;
  p.roles = std::move(roles);
  for (auto& [d, rs] : coverage) {
    for (auto& [r, fs] : rs) std::sort(fs.begin(), fs.end());
  }
  p.coverage = std::move(coverage);
  p.scope = scope;
  p.pre_approved = pre_approved;
  p.valid_from = day(2024, 1, 1);
  p.valid_until = day(2030, 12, 31);
  return p;
}

inline Identity caller(std::string org, std::vector<std::string> roles,
                       std::string sub = "user-1") {
  Identity id;
  id.authenticated = true;
  id.issuer = "https://idp.example.nl";
  id.subject = std::move(sub);
  id.organisation = std::move(org);
  id.roles = std::move(roles);
  return id;
}

inline Identity citizen(std::string bsn) {
  Identity id = caller("", {"data-subject"}, "citizen-1");
  id.bsn = std::move(bsn);
  return id;
}

inline RouteMatch persons_route(DataOperation op = DataOperation::Search) {
  RouteMatch r;
  r.kind = RouteKind::Data;
  r.name = "/v1/datasets/{dataset}/{resource}";
  r.dataset = "persons";
  r.resource = "persons";
  r.operation = op;
  r.id_field = "bsn";
  r.subject_field = "bsn";
  r.subject_type = "BSN";
  r.owner_organisation = kRvig;
  return r;
}

inline RouteMatch data_route(std::string dataset, std::string resource, std::string id_field,
                             std::string subject_field, std::string owner,
                             DataOperation op = DataOperation::List) {
  RouteMatch r;
  r.kind = RouteKind::Data;
  r.dataset = std::move(dataset);
  r.resource = std::move(resource);
  r.operation = op;
  r.id_field = std::move(id_field);
  r.subject_field = std::move(subject_field);
  r.owner_organisation = std::move(owner);
  return r;
}

inline FilterCondition eq(std::string field, nlohmann::json value) {
  FilterCondition f;
  f.field = field;
  f.op = FilterOp::Eq;
  f.values = {std::move(value)};
  f.parameter = "/filters/" + field + "/eq";
  return f;
}

inline DataQuery search_by(std::string field, nlohmann::json value) {
  DataQuery q;
  q.operation = DataOperation::Search;
  q.filters.push_back(eq(std::move(field), std::move(value)));
  return q;
}

inline Grant grant(std::string id, std::string org, std::string role, std::string purpose,
                   std::string dataset, std::string resource, std::vector<std::string> fields,
                   TimePoint until = at(2029, 1, 1)) {
  Grant g;
  g.id = std::move(id);
  g.organisation = std::move(org);
  g.role = std::move(role);
  g.purpose_id = std::move(purpose);
  g.dataset = std::move(dataset);
  g.resource = std::move(resource);
  std::sort(fields.begin(), fields.end());
  g.fields = std::move(fields);
  g.granted_at = at(2025, 1, 1);
  g.valid_until = until;
  return g;
}

// Runs posted work at once, on the calling thread.
class InlineExecutor final : public BlockingExecutor {
 public:
  void post(std::function<void()> work) override { work(); }
};

// Holds posted work until the test runs it: proves an endpoint answered from the executor.
class QueuedExecutor final : public BlockingExecutor {
 public:
  void post(std::function<void()> work) override { queue.push_back(std::move(work)); }
  void run_all() {
    while (!queue.empty()) {
      auto w = std::move(queue.front());
      queue.pop_front();
      w();
    }
  }
  std::deque<std::function<void()>> queue;
};

// A clock the test sets; shared so the service and the test see the same time.
struct TestClock {
  std::shared_ptr<TimePoint> now = std::make_shared<TimePoint>(at(2026, 6, 1));
  std::function<TimePoint()> fn() const {
    return [n = now] { return *n; };
  }
};

}  // namespace bronpoort::access::test
