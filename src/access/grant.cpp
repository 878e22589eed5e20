#include <bronpoort/access/grant.hpp>

#include <bronpoort/common/time.hpp>

namespace bronpoort::access {

const char* request_state_name(RequestState s) {
  switch (s) {
    case RequestState::Pending:
      return "pending";
    case RequestState::Approved:
      return "approved";
    case RequestState::Rejected:
      return "rejected";
  }
  return "pending";
}

std::optional<RequestState> parse_request_state(const std::string& s) {
  for (auto st : {RequestState::Pending, RequestState::Approved, RequestState::Rejected}) {
    if (s == request_state_name(st)) return st;
  }
  return std::nullopt;
}

const char* approval_kind_name(ApprovalKind k) {
  switch (k) {
    case ApprovalKind::Manual:
      return "manual";
    case ApprovalKind::Standing:
      return "standing";
    case ApprovalKind::Precedent:
      return "precedent";
  }
  return "manual";
}

std::optional<ApprovalKind> parse_approval_kind(const std::string& s) {
  for (auto k : {ApprovalKind::Manual, ApprovalKind::Standing, ApprovalKind::Precedent}) {
    if (s == approval_kind_name(k)) return k;
  }
  return std::nullopt;
}

nlohmann::json access_request_to_json(const AccessRequest& r) {
  nlohmann::json j = {{"id", r.id},
                      {"state", request_state_name(r.state)},
                      {"organisation", r.organisation},
                      {"requester", r.requester},
                      {"role", r.role},
                      {"purpose", r.purpose_id},
                      {"legalBasis", r.legal_basis},
                      {"dataset", r.dataset},
                      {"resource", r.resource},
                      {"fields", r.fields},
                      {"motivation", r.motivation},
                      {"ownerOrganisation", r.owner_organisation},
                      {"createdAt", common::format_time(r.created_at)}};
  if (r.decided_at) {
    j["decidedAt"] = common::format_time(*r.decided_at);
    j["decidedBy"] = r.decided_by;
    j["decisionReason"] = r.decision_reason;
  }
  if (r.approval) j["approval"] = approval_kind_name(*r.approval);
  if (!r.precedent_id.empty()) j["precedent"] = r.precedent_id;
  if (!r.grant_id.empty()) j["grant"] = r.grant_id;
  return j;
}

nlohmann::json grant_to_json(const Grant& g, TimePoint now) {
  const char* state = g.revoked_at ? "revoked" : (now < g.valid_until ? "active" : "expired");
  nlohmann::json j = {{"id", g.id},
                      {"state", state},
                      {"organisation", g.organisation},
                      {"role", g.role},
                      {"purpose", g.purpose_id},
                      {"dataset", g.dataset},
                      {"resource", g.resource},
                      {"fields", g.fields},
                      {"ownerOrganisation", g.owner_organisation},
                      {"accessRequest", g.access_request_id},
                      {"approval", approval_kind_name(g.approval)},
                      {"grantedAt", common::format_time(g.granted_at)},
                      {"validUntil", common::format_time(g.valid_until)}};
  if (!g.precedent_id.empty()) j["precedent"] = g.precedent_id;
  if (g.revoked_at) {
    j["revokedAt"] = common::format_time(*g.revoked_at);
    j["revokedBy"] = g.revoked_by;
  }
  return j;
}

}  // namespace bronpoort::access
