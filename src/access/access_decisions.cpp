// Deciding access requests (approve, reject) and revoking grants. Each change is refused unless
// its audit records are durable first (audited_change.hpp); only then is it stored and shown.
#include <bronpoort/access/access_service.hpp>

#include <bronpoort/common/time.hpp>
#include "audited_change.hpp"

#include <algorithm>
#include <chrono>

namespace bronpoort::access {

namespace {

// Applies what the holder chose to a grant made from the request: fewer fields, an earlier end.
// A problem when the choice is not a narrowing of what the request and the defaults allow.
std::optional<Problem> narrow_grant(Grant& grant, const AccessRequest& r, const Approval& decision,
                                    TimePoint now) {
  if (decision.fields) {
    std::vector<std::string> extra;
    for (const auto& f : *decision.fields) {
      if (!std::binary_search(r.fields.begin(), r.fields.end(), f)) extra.push_back(f);
    }
    if (!extra.empty()) {
      std::string asked;
      for (const auto& f : r.fields) asked += (asked.empty() ? "" : ", ") + f;
      auto p = make_problem(400, "fields-not-requested",
                            "An approval may grant some or all of the requested fields, not "
                            "others; the request asked for " +
                                asked + ".");
      for (const auto& f : extra)
        p.invalid_params.push_back({"fields", "'" + f + "' was not requested", "not-requested"});
      return p;
    }
    grant.fields = *decision.fields;
  }
  if (decision.valid_until) {
    // Valid through the chosen day: until the start of the next (UTC), never past the default.
    const TimePoint end = *decision.valid_until + std::chrono::days{1};
    const auto last_day = std::chrono::floor<std::chrono::days>(grant.valid_until);
    if (end <= now || *decision.valid_until > last_day) {
      auto p =
          make_problem(400, "invalid-valid-until",
                       "validUntil must lie between today and " + common::format_date(last_day) +
                           ", the end of the validity this gateway and the purpose allow.");
      p.invalid_params.push_back(
          {"validUntil", "outside today.." + common::format_date(last_day), "out-of-range"});
      return p;
    }
    grant.valid_until = std::min(grant.valid_until, end);
  }
  return std::nullopt;
}

}  // namespace

Result<AccessRequest> AccessService::approve(const Identity& caller, const std::string& id,
                                             const Approval& approval,
                                             const std::string& trace_id) {
  return decide(caller, id, true, approval, trace_id);
}

Result<AccessRequest> AccessService::reject(const Identity& caller, const std::string& id,
                                            const std::string& reason,
                                            const std::string& trace_id) {
  return decide(caller, id, false, Approval{reason, std::nullopt, std::nullopt}, trace_id);
}

Result<AccessRequest> AccessService::decide(const Identity& caller, const std::string& id,
                                            bool approve, const Approval& decision,
                                            const std::string& trace_id) {
  const std::string& reason = decision.reason;
  std::lock_guard write(write_mutex_);
  std::optional<AccessRequest> found;
  {
    std::shared_lock read(state_mutex_);
    for (const auto& r : requests_) {
      if (r.id == id) found = r;
    }
  }
  if (!found) return make_problem(404, "access-request-not-found", "No such access request.");
  // The owner is looked up again: the sources registry is the authority on who holds a dataset.
  auto owner = options_.dataset_owner ? options_.dataset_owner(found->dataset) : std::nullopt;
  const std::string& holder = owner ? *owner : found->owner_organisation;
  const bool holder_org = !caller.organisation.empty() && caller.organisation == holder;
  const bool requester_org =
      !caller.organisation.empty() && caller.organisation == found->organisation;
  // Only the requesting organisation and the dataset's holder learn that a request exists.
  if (!holder_org && !requester_org) {
    return make_problem(404, "access-request-not-found", "No such access request.");
  }
  if (!holder_org || !caller.has_role(common::roles::kSourceAdmin) || is_citizen(caller)) {
    return make_problem(403, "not-dataset-owner",
                        "Only a source-admin of the organisation that holds dataset '" +
                            found->dataset + "' may decide this request.");
  }
  // Four eyes: the person who asked never decides. Subjects are compared whatever organisation
  // the token speaks for, because one person may hold a role in the requesting organisation and
  // source-admin at the holder. Without a subject, four eyes cannot be shown, so no decision.
  if (caller.subject.empty() || caller.subject == found->requester) {
    return make_problem(403, "four-eyes-required",
                        "You filed this access request, so you cannot decide it: another "
                        "source-admin of the holder of dataset '" +
                            found->dataset + "' must approve or reject it.");
  }
  if (found->state != RequestState::Pending) {
    return make_problem(
        409, "access-request-not-pending",
        std::string("The request is already ") + request_state_name(found->state) + ".");
  }
  AccessRequest r = *found;
  auto t = now();
  std::optional<Grant> grant;
  if (approve) {
    auto snapshot = policy_->current();
    const Purpose* p = snapshot->purpose(r.purpose_id);
    if (!p || t >= p->ends_at() || !p->covered_fields(r.dataset, r.resource)) {
      return make_problem(409, "purpose-unavailable",
                          "The request's purpose no longer exists, is no longer valid or no longer "
                          "covers the resource; reject it instead.");
    }
    r.legal_basis = p->legal_basis.citation;
    grant = make_grant(r, *p, ApprovalKind::Manual, "");
    if (auto narrowed = narrow_grant(*grant, r, decision, t)) return *narrowed;
    r.state = RequestState::Approved;
    r.approval = ApprovalKind::Manual;
    r.grant_id = grant->id;
  } else {
    r.state = RequestState::Rejected;
  }
  r.decided_at = t;
  r.decided_by = caller.subject;
  r.decision_reason = reason;

  AuditedChange audit(options_.audit, caller, trace_id, t);
  audit.add(approve ? "access-request.approved" : "access-request.rejected", r.id,
            access_request_to_json(r));
  if (grant) audit.add("grant.created", grant->id, grant_to_json(*grant, t));
  if (!audit.write()) return audit_unavailable();
  bool stored = false;
  try {
    stored = store_->decide_request(r, grant);
  } catch (const std::exception&) {
    audit.not_applied("store-unavailable");
    throw;
  }
  if (!stored) {
    audit.not_applied("decided-elsewhere");
    refresh_locked();
    return make_problem(409, "access-request-not-pending",
                        "The request was decided meanwhile (by another gateway instance).");
  }
  {
    std::unique_lock lock(state_mutex_);
    for (auto& e : requests_) {
      if (e.id == r.id) e = r;
    }
    if (grant) {
      grants_.push_back(*grant);
      rebuild_locked();
    }
  }
  return r;
}

Result<Grant> AccessService::revoke(const Identity& caller, const std::string& id,
                                    const std::string& trace_id) {
  std::lock_guard write(write_mutex_);
  std::optional<Grant> found;
  {
    std::shared_lock read(state_mutex_);
    for (const auto& g : grants_) {
      if (g.id == id && may_see(caller, g.organisation, g.owner_organisation)) found = g;
    }
  }
  if (!found) return make_problem(404, "grant-not-found", "No such grant.");
  if (found->revoked_at) {
    return make_problem(409, "grant-already-revoked", "The grant was revoked already.");
  }
  auto t = now();
  Grant revoked = *found;
  revoked.revoked_at = t;
  revoked.revoked_by = caller.subject;

  AuditedChange audit(options_.audit, caller, trace_id, t);
  audit.add("grant.revoked", id, grant_to_json(revoked, t));
  if (!audit.write()) return audit_unavailable();
  bool stored = false;
  try {
    stored = store_->revoke_grant(id, t, caller.subject);
  } catch (const std::exception&) {
    audit.not_applied("store-unavailable");
    throw;
  }
  if (!stored) {
    audit.not_applied("revoked-elsewhere");
    refresh_locked();
    return make_problem(409, "grant-already-revoked", "The grant was revoked meanwhile.");
  }
  {
    std::unique_lock lock(state_mutex_);
    for (auto& g : grants_) {
      if (g.id == id) g = revoked;
    }
    rebuild_locked();
  }
  return revoked;
}

}  // namespace bronpoort::access
