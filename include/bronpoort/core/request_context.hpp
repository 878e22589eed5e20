#pragma once
// The one object a request carries through every stage. Each stage reads what earlier stages
// filled in and adds its own part; a stage that refuses sets `problem` and stops the chain.

#include <bronpoort/core/access_decision.hpp>
#include <bronpoort/core/data_query.hpp>
#include <bronpoort/core/http_message.hpp>
#include <bronpoort/core/identity.hpp>
#include <bronpoort/core/problem.hpp>
#include <bronpoort/core/route.hpp>
#include <bronpoort/core/trace_context.hpp>

#include <nlohmann/json.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace bronpoort {

// A person or other data subject whose data is in the response. `id` is the raw identifier (e.g. a
// BSN): it is pseudonymised before it is written anywhere and never goes to application logs.
struct DataSubject {
  std::string type;  // e.g. "BSN"
  std::string id;
};

// What the fetch stage got from the source.
struct SourceResult {
  bool fetched = false;
  nlohmann::json body;             // Detail: one record object; List/Search: array of records
  std::optional<long long> total;  // total matches, when asked for and known
  bool has_next = false;           // another page follows
  std::chrono::microseconds latency{0};
};

struct RequestContext {
  HttpRequest request;
  HttpResponse response;
  TraceContext trace;
  Identity identity;
  RouteMatch route;
  std::string purpose_id;  // Processing-Purpose header, for data routes
  DataQuery query;
  AccessDecision decision;
  SourceResult result;
  std::vector<DataSubject> data_subjects;
  std::optional<Problem> problem;  // set by the stage that refused or failed
  // Members an endpoint adds to the request's audit record (e.g. what a linked query fetched and
  // delivered); never raw identifiers.
  nlohmann::json audit_details;
  // Resources a stage holds for the life of the request (e.g. a concurrency slot); released
  // once the response is written (or with the context, if that goes first), even while another
  // thread still has a reference to the context.
  std::vector<std::shared_ptr<void>> holds;
  // Tells the log writer that this request is on its way to the log (GroupCommitWriter::expect);
  // the log stage lets go of it once the request's records are queued.
  std::shared_ptr<void> log_expected;
  // Counted in metrics but not written to the access log line by line (a flood of refusals).
  bool quiet = false;
  // Runs a task on the thread (strand) that owns the request's connection; set by the server.
  // A stage whose work completes on another thread (the log writer's commit) resumes the chain
  // here, so the response is rendered and written without a further hand-off. Empty outside the
  // server (tests, the linkage runner): such stages then use their own executor.
  std::function<void(std::function<void()>)> post_home;

  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
  std::chrono::system_clock::time_point started_wall = std::chrono::system_clock::now();

  void fail(Problem p) { problem = std::move(p); }
  bool refused() const { return problem.has_value(); }
};

}  // namespace bronpoort
