#pragma once
// Grants (who may use which fields of a resource for which purpose) and the access requests that
// produce them, as stored and as shown by the API.

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace bronpoort::access {

using TimePoint = std::chrono::system_clock::time_point;

enum class RequestState { Pending, Approved, Rejected };
// How a request was approved: by a source admin, by the purpose's standing approval, or by an
// earlier approved request of the same source holder (a precedent).
enum class ApprovalKind { Manual, Standing, Precedent };

const char* request_state_name(RequestState s);
std::optional<RequestState> parse_request_state(const std::string& s);
const char* approval_kind_name(ApprovalKind k);
std::optional<ApprovalKind> parse_approval_kind(const std::string& s);

struct AccessRequest {
  std::string id;
  RequestState state = RequestState::Pending;
  std::string organisation;  // OIN of the requesting organisation
  std::string requester;     // subject of the data specialist who filed it
  std::string role;
  std::string purpose_id;
  std::string legal_basis;  // the purpose's citation when the request was filed
  std::string dataset;
  std::string resource;
  std::vector<std::string> fields;  // sorted, unique
  std::string motivation;
  std::string owner_organisation;  // source holder that decides
  TimePoint created_at{};
  std::optional<TimePoint> decided_at;
  std::string decided_by;  // subject of the source admin, or "auto"
  std::string decision_reason;
  std::optional<ApprovalKind> approval;
  std::string precedent_id;  // the earlier request that approved this one by precedent
  std::string grant_id;
};

struct Grant {
  std::string id;
  std::string organisation;
  std::string role;
  std::string purpose_id;
  std::string dataset;
  std::string resource;
  std::vector<std::string> fields;  // sorted, unique
  std::string owner_organisation;
  std::string access_request_id;
  ApprovalKind approval = ApprovalKind::Manual;
  std::string precedent_id;
  TimePoint granted_at{};
  TimePoint valid_until{};
  std::optional<TimePoint> revoked_at;
  std::string revoked_by;

  bool active_at(TimePoint now) const { return !revoked_at && now < valid_until; }
};

// A state change in the access system, for the lead to write to the processing log's audit trail.
struct AuditEvent {
  std::string
      type;  // "access-request.filed", ".approved", ".rejected", "grant.created", "grant.revoked"
  TimePoint at{};
  std::string actor_subject;
  std::string actor_organisation;
  std::string trace_id;
  std::string object_id;   // the access request or grant id
  nlohmann::json details;  // the request or grant as the API shows it
};

nlohmann::json access_request_to_json(const AccessRequest& r);
nlohmann::json grant_to_json(const Grant& g, TimePoint now);

}  // namespace bronpoort::access
