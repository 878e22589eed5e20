#include "explain.hpp"

#include <bronpoort/access/decision.hpp>

#include <algorithm>

namespace bronpoort::access {

namespace {

bool has(const std::vector<std::string>& sorted, const std::string& f) {
  return std::binary_search(sorted.begin(), sorted.end(), f);
}

std::string scope_requirement(const Purpose& p) {
  if (p.scope == PurposeScope::Case) {
    return "case scope: each request must target exactly one data subject, by one equality "
           "filter on the resource's subject identifier (or a detail request on it)";
  }
  return "dataset scope: personal records are released only as linked, pseudonymised or "
         "aggregated output of the trusted third party; non-personal resources may be read";
}

}  // namespace

nlohmann::json explain_access(const PolicySnapshot& policy, const Identity& caller,
                              const AccessCheckQuery& q, TimePoint now) {
  const std::vector<std::string> roles = q.role ? std::vector<std::string>{*q.role} : caller.roles;
  auto check =
      check_grant(policy, caller, roles, q.purpose_id, q.dataset, q.resource, q.fields, now);
  nlohmann::json out = {{"allowed", !check.problem.has_value()},
                        {"organisation", caller.organisation},
                        {"dataset", q.dataset},
                        {"resource", q.resource}};
  const Purpose* p = check.purpose;
  const std::vector<std::string>* covered = p ? p->covered_fields(q.dataset, q.resource) : nullptr;
  if (p) {
    out["purpose"] = {{"id", p->id},
                      {"name", p->name},
                      {"legalBasis",
                       {{"citation", p->legal_basis.citation},
                        {"category", legal_basis_category_name(p->legal_basis.category)}}},
                      {"processingActivity", p->processing_activity},
                      {"scope", scope_name(p->scope)},
                      {"scopeRequirement", scope_requirement(*p)}};
  }
  if (check.problem) {
    out["code"] = check.problem->code;
    out["reason"] = check.problem->detail;
  } else {
    out["role"] = check.role;
    out["grant"] = check.grant_id;
  }
  std::vector<std::string> asked = q.fields;
  if (asked.empty() && covered) asked = *covered;
  std::vector<std::string> missing;  // covered by the purpose but not granted
  auto& fields = out["fields"] = nlohmann::json::array();
  for (const auto& f : asked) {
    nlohmann::json entry = {{"field", f}, {"allowed", false}};
    if (covered && !has(*covered, f)) {
      entry["reason"] = "not covered by purpose '" + p->id +
                        "'; no grant can release it for this "
                        "purpose";
    } else if (check.problem) {
      entry["reason"] = check.problem->code;
      if (check.problem->code == "no-grant") missing.push_back(f);
    } else if (has(check.fields, f)) {
      entry["allowed"] = true;
      entry["reason"] = "granted by " + check.grant_id + " under " + p->legal_basis.citation;
    } else {
      entry["reason"] = "covered by the purpose but not in grant " + check.grant_id +
                        "; file an access request for it";
      missing.push_back(f);
    }
    fields.push_back(std::move(entry));
  }
  if (p && !missing.empty()) {
    std::string role = check.role;
    if (role.empty()) {
      for (const auto& r : roles) {
        if (p->allows_role(r)) {
          role = r;
          break;
        }
      }
    }
    std::sort(missing.begin(), missing.end());
    out["accessRequest"] = {
        {"method", "POST"},
        {"path", "/v1/access-requests"},
        {"body", access_request_template(*p, role, q.dataset, q.resource, missing)}};
  }
  return out;
}

}  // namespace bronpoort::access
