#include <bronpoort/access/decision.hpp>

#include <bronpoort/common/time.hpp>

#include <algorithm>

namespace bronpoort::access {

namespace {

bool contains(const std::vector<std::string>& sorted, std::string_view v) {
  return std::binary_search(sorted.begin(), sorted.end(), v,
                            [](std::string_view a, std::string_view b) { return a < b; });
}

std::string join(const std::vector<std::string>& v, std::string_view sep = ", ") {
  std::string out;
  for (const auto& s : v) {
    if (!out.empty()) out += sep;
    out += s;
  }
  return out;
}

Problem deny(std::string code, std::string detail) {
  return make_problem(403, std::move(code), std::move(detail));
}

bool valid_at(const Purpose& p, TimePoint now) {
  return p.valid_until ? now < TimePoint{*p.valid_until + std::chrono::days{1}} : true;
}

std::string coverage_list(const Purpose& p) {
  std::vector<std::string> items;
  for (const auto& [dataset, resources] : p.coverage) {
    for (const auto& [resource, _] : resources) items.push_back(dataset + "/" + resource);
  }
  return join(items);
}

// Several active grants for the same key release the union of their fields.
void merge_fields(std::vector<std::string>& out, const std::vector<std::string>& more) {
  std::vector<std::string> merged;
  std::set_union(out.begin(), out.end(), more.begin(), more.end(), std::back_inserter(merged));
  out = std::move(merged);
}

}  // namespace

nlohmann::json access_request_template(const Purpose& purpose, std::string_view role,
                                       std::string_view dataset, std::string_view resource,
                                       const std::vector<std::string>& fields) {
  return {{"role", role},
          {"purpose", purpose.id},
          {"dataset", dataset},
          {"resource", resource},
          {"fields", fields},
          {"motivation", "<why this role needs these fields for " + purpose.id + ">"}};
}

GrantCheck check_grant(const PolicySnapshot& policy, const Identity& identity,
                       const std::vector<std::string>& roles, std::string_view purpose_id,
                       std::string_view dataset, std::string_view resource,
                       const std::vector<std::string>& requested_fields, TimePoint now) {
  GrantCheck out;
  const Purpose* p = policy.purpose(purpose_id);
  if (!p) {
    out.problem = deny("purpose-unknown",
                       "The stated purpose is not in the purpose register. GET /v1/purposes lists "
                       "the purposes, their roles and what they cover.");
    return out;
  }
  out.purpose = p;
  if (now < TimePoint{p->valid_from}) {
    out.problem = deny("purpose-not-yet-valid", "Purpose '" + p->id + "' is valid from " +
                                                    common::format_date(p->valid_from) + ".");
    return out;
  }
  if (!valid_at(*p, now)) {
    out.problem = deny("purpose-expired", "Purpose '" + p->id + "' was valid until " +
                                              common::format_date(*p->valid_until) +
                                              "; state a purpose that is valid now.");
    return out;
  }
  const std::string* first_role = nullptr;  // the first of the caller's roles the purpose allows
  for (const auto& r : roles) {
    if (p->allows_role(r)) {
      first_role = &r;
      break;
    }
  }
  if (!first_role) {
    out.problem = deny("role-not-allowed", "Purpose '" + p->id + "' may be stated by role(s) " +
                                               join(p->roles) + "; the caller has role(s) " +
                                               (roles.empty() ? "none" : join(roles)) + ".");
    return out;
  }
  if (identity.allowed_purposes &&
      std::find(identity.allowed_purposes->begin(), identity.allowed_purposes->end(), purpose_id) ==
          identity.allowed_purposes->end()) {
    out.problem = deny("purpose-not-in-token",
                       "The token limits its purposes (claim 'purposes') and does not include '" +
                           p->id + "'; obtain a token for this purpose.");
    return out;
  }
  const auto* covered = p->covered_fields(dataset, resource);
  if (!covered) {
    out.problem = deny("purpose-does-not-cover",
                       "Purpose '" + p->id + "' does not cover " + std::string(dataset) + "/" +
                           std::string(resource) + "; it covers " + coverage_list(*p) + ".");
    return out;
  }
  if (p->pre_approved) {
    out.role = *first_role;
    out.grant_id = "standing:" + p->id;
    out.fields = *covered;
    return out;
  }
  std::string expired_note;
  for (const auto& role : roles) {
    if (!p->allows_role(role)) continue;
    const auto* grants = policy.grants_for(identity.organisation, role, p->id, dataset, resource);
    if (!grants) continue;
    for (const auto& entry : *grants) {
      const Grant* g = entry.grant;
      if (!g->active_at(now)) {
        expired_note =
            " Grant " + g->id + " expired at " + common::format_time(g->valid_until) + ".";
        continue;
      }
      if (out.grant_id.empty()) {
        out.fields = entry.fields;
        out.grant_id = g->id;
      } else {
        merge_fields(out.fields, entry.fields);
        out.grant_id += "," + g->id;
      }
    }
    if (!out.grant_id.empty()) {
      out.role = role;
      return out;
    }
  }
  std::vector<std::string> wanted;
  for (const auto& f : requested_fields) {
    if (contains(*covered, f)) wanted.push_back(f);
  }
  if (wanted.empty()) wanted = *covered;
  std::sort(wanted.begin(), wanted.end());
  wanted.erase(std::unique(wanted.begin(), wanted.end()), wanted.end());
  auto body = access_request_template(*p, *first_role, dataset, resource, wanted);
  out.problem =
      deny("no-grant", "Organisation " + identity.organisation + " has no active grant for role '" +
                           *first_role + "' with purpose '" + p->id + "' on " +
                           std::string(dataset) + "/" + std::string(resource) + "." + expired_note +
                           " File an access request: POST /v1/access-requests with " + body.dump());
  return out;
}

namespace {

bool single_subject(const RouteMatch& route, const DataQuery& query, const std::string& key) {
  if (query.operation == DataOperation::Detail && route.id_field == key && !query.id.empty()) {
    return true;
  }
  int on_key = 0;
  bool single = false;
  for (const auto& f : query.filters) {
    if (f.field != key) continue;
    ++on_key;
    single = (f.op == FilterOp::Eq || f.op == FilterOp::In) && f.values.size() == 1;
  }
  return on_key == 1 && single;
}

}  // namespace

DecisionOutcome decide(const PolicySnapshot& policy, const DecisionInput& in) {
  DecisionOutcome out;
  auto& d = out.decision;
  d.evaluated = true;
  d.purpose_id = std::string(in.purpose_id);
  auto check = check_grant(policy, in.identity, in.identity.roles, in.purpose_id, in.route.dataset,
                           in.route.resource, in.query.fields, in.now);
  if (check.purpose) {
    d.legal_basis = check.purpose->legal_basis.citation;
    d.processing_activity = check.purpose->processing_activity;
    d.scope = check.purpose->scope;
  }
  if (check.problem) {
    d.code = check.problem->code;
    d.reason = check.problem->detail;
    out.problem = std::move(check.problem);
    return out;
  }
  d.role = check.role;
  d.grant_id = check.grant_id;
  const auto& granted = check.fields;

  // The case key: the subject's identifier, or the record id for resources without personal data.
  const std::string& key =
      in.route.subject_field.empty() ? in.route.id_field : in.route.subject_field;
  if (d.scope == PurposeScope::Case && !single_subject(in.route, in.query, key)) {
    out.problem =
        deny("case-scope-requires-subject",
             "Purpose '" + d.purpose_id +
                 "' has case scope: each request must target "
                 "exactly one data subject, by one equality filter on '" +
                 key + "' (e.g. a search body {\"filters\": {\"" + key + "\": {\"eq\": ...}}}).");
  } else if (d.scope == PurposeScope::Dataset && !in.via_linkage &&
             !in.route.subject_field.empty()) {
    out.problem = deny("dataset-scope-requires-linkage",
                       "Purpose '" + d.purpose_id + "' has dataset scope: personal records of " +
                           in.route.dataset + "/" + in.route.resource +
                           " are released only as linked, pseudonymised or aggregated output of "
                           "the trusted third party, not as raw records.");
  }
  if (out.problem) {
    d.code = out.problem->code;
    d.reason = out.problem->detail;
    return out;
  }

  std::vector<InvalidParam> bad;  // built only when something is wrong: the allow path is hot
  for (const auto& f : in.query.filters) {
    bool case_key = d.scope == PurposeScope::Case && f.field == key;
    if (!case_key && !contains(granted, f.field)) {
      bad.push_back({f.parameter.empty() ? f.field : f.parameter,
                     "field '" + f.field + "' is not granted for this purpose",
                     "field-not-granted"});
    }
  }
  for (const auto& s : in.query.sort) {
    if (!contains(granted, s.field)) {
      bad.push_back(
          {"sort", "field '" + s.field + "' is not granted for this purpose", "field-not-granted"});
    }
  }
  if (!bad.empty()) {
    auto problem = make_problem(400, "field-not-granted",
                                "Filters and sorting may only use granted fields (" +
                                    join(granted) + "); see invalidParams.");
    problem.invalid_params = std::move(bad);
    d.code = problem.code;
    d.reason = problem.detail;
    out.problem = std::move(problem);
    return out;
  }

  d.allowed = true;
  if (in.query.fields.empty()) {
    d.fields_granted = granted;
  } else {
    for (const auto& f : in.query.fields) {
      auto& target = contains(granted, f) ? d.fields_granted : d.fields_withheld;
      if (std::find(target.begin(), target.end(), f) == target.end()) target.push_back(f);
    }
  }
  return out;
}

std::optional<Problem> check_linked_input(const PolicySnapshot& policy, const Identity& identity,
                                          std::string_view purpose_id, std::string_view dataset,
                                          std::string_view resource,
                                          const std::vector<std::string>& wanted, TimePoint now,
                                          AccessDecision& decision) {
  auto check =
      check_grant(policy, identity, identity.roles, purpose_id, dataset, resource, wanted, now);
  if (check.problem) return std::move(check.problem);
  std::vector<std::string> missing;
  for (const auto& f : wanted) {
    if (std::find(check.fields.begin(), check.fields.end(), f) == check.fields.end()) {
      missing.push_back(f);
    }
  }
  if (!missing.empty()) {
    std::string list;
    for (const auto& f : missing) list += (list.empty() ? "" : ", ") + f;
    auto body = access_request_template(*check.purpose, check.role, dataset, resource, wanted);
    return make_problem(403, "field-not-granted",
                        "The grant does not cover field(s) " + list +
                            " that the linked query needs. File an access request: POST "
                            "/v1/access-requests with " +
                            body.dump());
  }
  decision.legal_basis = check.purpose->legal_basis.citation;
  decision.processing_activity = check.purpose->processing_activity;
  decision.role = check.role;
  decision.grant_id = check.grant_id;
  return std::nullopt;
}

}  // namespace bronpoort::access
