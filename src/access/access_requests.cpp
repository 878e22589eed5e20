// Filing access requests, and approving them at once by standing approval or by precedent.
#include <bronpoort/access/access_service.hpp>

#include "audited_change.hpp"

#include <openssl/rand.h>

#include <algorithm>

namespace bronpoort::access {

namespace {

std::string new_id(const char* prefix) {
  unsigned char bytes[16];
  if (RAND_bytes(bytes, sizeof bytes) != 1) throw StoreError("no randomness for an id");
  bytes[6] = static_cast<unsigned char>((bytes[6] & 0x0f) | 0x40);  // UUID version 4
  bytes[8] = static_cast<unsigned char>((bytes[8] & 0x3f) | 0x80);
  static const char* hex = "0123456789abcdef";
  std::string out = prefix;
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
    out += hex[bytes[i] >> 4];
    out += hex[bytes[i] & 0xf];
  }
  return out;
}

Problem invalid(const std::string& pointer, const std::string& reason, const std::string& code) {
  auto p =
      make_problem(400, "invalid-access-request", "The access request is not valid: " + reason);
  p.invalid_params.push_back({pointer, reason, code});
  return p;
}

bool subset(const std::vector<std::string>& narrow, const std::vector<std::string>& wide) {
  return std::includes(wide.begin(), wide.end(), narrow.begin(), narrow.end());
}

}  // namespace

Grant AccessService::make_grant(const AccessRequest& r, const Purpose& p, ApprovalKind kind,
                                const std::string& precedent) const {
  Grant g;
  g.id = new_id("gr-");
  g.organisation = r.organisation;
  g.role = r.role;
  g.purpose_id = r.purpose_id;
  g.dataset = r.dataset;
  g.resource = r.resource;
  g.fields = r.fields;
  g.owner_organisation = r.owner_organisation;
  g.access_request_id = r.id;
  g.approval = kind;
  g.precedent_id = precedent;
  g.granted_at = now();
  g.valid_until = std::min(g.granted_at + options_.grant_validity, p.ends_at());
  return g;
}

// A precedent is a request the same source holder approved by hand, for the same purpose under the
// same legal basis, the same role and resource, with the same or wider fields, whose grant still
// stands: a revoked grant is a decision the holder took back and approves nothing.
//
// It is the holder's decision about one organisation's need, so it counts only for that
// organisation unless the purpose says the holder's decisions hold for everyone who may state it
// (`precedentAcrossOrganisations`). Four eyes hold through precedents too: a request its requester
// decided (possible before four eyes were enforced) sets no precedent, and nobody rides on a
// decision they took themselves.
std::optional<AccessRequest> AccessService::find_precedent(const AccessRequest& r,
                                                           const Purpose& p) const {
  for (const auto& earlier : requests_) {
    if (earlier.state != RequestState::Approved || earlier.approval != ApprovalKind::Manual ||
        earlier.owner_organisation != r.owner_organisation || earlier.purpose_id != r.purpose_id ||
        earlier.legal_basis != r.legal_basis || earlier.role != r.role ||
        earlier.dataset != r.dataset || earlier.resource != r.resource) {
      continue;
    }
    if (!p.precedent_across_organisations && earlier.organisation != r.organisation) continue;
    if (earlier.decided_by == earlier.requester || earlier.decided_by == r.requester) continue;
    auto g = std::find_if(grants_.begin(), grants_.end(),
                          [&](const Grant& x) { return x.id == earlier.grant_id; });
    // What the holder granted, not what was asked: an approval narrowed to fewer fields is no
    // precedent for the fields it left out.
    if (g != grants_.end() && !g->revoked_at && subset(r.fields, g->fields)) return earlier;
  }
  return std::nullopt;
}

Result<AccessRequest> AccessService::file_request(const Identity& caller,
                                                  const NewAccessRequest& in,
                                                  const std::string& trace_id) {
  if (is_citizen(caller)) {
    return make_problem(403, "citizen-cannot-request",
                        "Access requests are filed by data specialists of an organisation, not by "
                        "data subjects.");
  }
  if (!caller.authenticated || caller.organisation.empty()) {
    return make_problem(401, "unauthenticated",
                        "Filing an access request needs an organisation token.");
  }
  if (!caller.has_role(in.role)) {
    return make_problem(403, "role-not-held",
                        "You can only request access for a role your token carries.");
  }
  auto snapshot = policy_->current();
  const Purpose* p = snapshot->purpose(in.purpose_id);
  if (!p) return invalid("/purpose", "no such purpose; see GET /v1/purposes", "purpose-unknown");
  auto t = now();
  if (t < TimePoint{p->valid_from} || t >= p->ends_at()) {
    return make_problem(403, "purpose-expired", "Purpose '" + p->id + "' is not valid now.");
  }
  if (!p->allows_role(in.role)) {
    return make_problem(403, "role-not-allowed",
                        "Purpose '" + p->id + "' may not be stated by role '" + in.role + "'.");
  }
  const auto* covered = p->covered_fields(in.dataset, in.resource);
  if (!covered) {
    return invalid("/resource", "purpose '" + p->id + "' does not cover this dataset/resource",
                   "purpose-does-not-cover");
  }
  AccessRequest r;
  r.fields = in.fields;
  std::sort(r.fields.begin(), r.fields.end());
  r.fields.erase(std::unique(r.fields.begin(), r.fields.end()), r.fields.end());
  for (const auto& f : r.fields) {
    if (!std::binary_search(covered->begin(), covered->end(), f)) {
      return invalid("/fields", "field '" + f + "' is not covered by purpose '" + p->id + "'",
                     "field-not-covered");
    }
  }
  auto owner = options_.dataset_owner ? options_.dataset_owner(in.dataset) : std::nullopt;
  if (!owner) return invalid("/dataset", "no such dataset", "unknown-dataset");

  std::lock_guard write(write_mutex_);
  r.id = new_id("ar-");
  r.organisation = caller.organisation;
  r.requester = caller.subject;
  r.role = in.role;
  r.purpose_id = p->id;
  r.legal_basis = p->legal_basis.citation;
  r.dataset = in.dataset;
  r.resource = in.resource;
  r.motivation = in.motivation;
  r.owner_organisation = *owner;
  r.created_at = t;
  {
    std::shared_lock read(state_mutex_);
    for (const auto& e : requests_) {
      if (e.state == RequestState::Pending && e.organisation == r.organisation &&
          e.role == r.role && e.purpose_id == r.purpose_id && e.dataset == r.dataset &&
          e.resource == r.resource && e.fields == r.fields) {
        return make_problem(409, "access-request-pending",
                            "The same request is already pending: " + e.id + ".");
      }
    }
  }
  std::optional<Grant> grant;
  std::optional<AccessRequest> precedent;
  if (p->pre_approved) {
    grant = make_grant(r, *p, ApprovalKind::Standing, "");
    r.decision_reason = "standing approval of purpose '" + p->id + "' by the source holder";
  } else {
    std::shared_lock read(state_mutex_);
    precedent = find_precedent(r, *p);
    if (precedent) {
      grant = make_grant(r, *p, ApprovalKind::Precedent, precedent->id);
      // Nor for longer than the holder granted it.
      for (const auto& earlier : grants_) {
        if (earlier.id == precedent->grant_id)
          grant->valid_until = std::min(grant->valid_until, earlier.valid_until);
      }
      r.decision_reason = "approved by precedent " + precedent->id;
    }
  }
  if (grant) {
    r.state = RequestState::Approved;
    r.decided_at = t;
    r.decided_by = "auto";
    r.approval = grant->approval;
    r.precedent_id = grant->precedent_id;
    r.grant_id = grant->id;
  }
  // Audit first: a filing (and an approval at once) without its durable record is not made.
  AuditedChange audit(options_.audit, caller, trace_id, t);
  audit.add("access-request.filed", r.id, access_request_to_json(r));
  if (grant) {
    audit.add("access-request.approved", r.id, access_request_to_json(r));
    audit.add("grant.created", grant->id, grant_to_json(*grant, t));
  }
  if (!audit.write()) return audit_unavailable();
  try {
    store_->insert_request(r, grant);
  } catch (const std::exception&) {
    audit.not_applied("store-unavailable");
    throw;
  }
  {
    std::unique_lock lock(state_mutex_);
    requests_.push_back(r);
    if (grant) {
      grants_.push_back(*grant);
      rebuild_locked();
    }
  }
  return r;
}

}  // namespace bronpoort::access
