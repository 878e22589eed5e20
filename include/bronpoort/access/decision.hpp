#pragma once
// The access decision: may this caller, for this stated purpose, see this part of this resource?
// Pure and lock-free over a policy snapshot, so it costs microseconds.
//
// Rules, in the order they are checked (first failure decides):
//   purpose-unknown (403)           the purpose id is not in the register
//   purpose-not-yet-valid (403)     before the purpose's validity
//   purpose-expired (403)           after the purpose's validity
//   role-not-allowed (403)          none of the caller's roles may state this purpose
//   purpose-not-in-token (403)      the token's `purposes` claim excludes it
//   purpose-does-not-cover (403)    the purpose does not cover this dataset/resource
//   no-grant (403)                  no active grant for (organisation, role, purpose, dataset,
//                                   resource) and the purpose is not pre-approved; the detail
//                                   names the access request to file
//   case-scope-requires-subject (403)   a `case` purpose needs exactly one data subject: a Detail
//                                   request whose id field is the subject field, or one equality
//                                   filter with one value on the subject field (the id field when
//                                   the resource has no subject field)
//   dataset-scope-requires-linkage (403) a `dataset` purpose releases no raw personal records
//                                   (resources with a subject field) except via the trusted third
//                                   party; non-personal resources (sensor data) may be read
//   field-not-granted (400)         a filter or sort key outside the granted fields; each
//                                   offending parameter is named in invalidParams. Under `case`
//                                   scope, the one filter on the subject field is always allowed:
//                                   the caller already holds that identifier.
// Requested `fields` outside the grant are not an error: they are withheld and listed in
// `fields_withheld`, like every other field minimisation removes.

#include <bronpoort/access/policy_snapshot.hpp>
#include <bronpoort/core/access_decision.hpp>
#include <bronpoort/core/data_query.hpp>
#include <bronpoort/core/identity.hpp>
#include <bronpoort/core/problem.hpp>
#include <bronpoort/core/route.hpp>

#include <optional>
#include <string_view>

namespace bronpoort::access {

struct DecisionInput {
  const Identity& identity;
  std::string_view purpose_id;
  const RouteMatch& route;
  const DataQuery& query;
  TimePoint now;
  // True when the trusted third party (linkage) fetches for a `dataset` purpose.
  bool via_linkage = false;
};

struct DecisionOutcome {
  AccessDecision decision;         // always evaluated; allowed or with the deny code
  std::optional<Problem> problem;  // set exactly when denied
};

DecisionOutcome decide(const PolicySnapshot& policy, const DecisionInput& in);

// The part of the decision that does not depend on the request's shape: purpose, validity, role,
// token, coverage and grant. Shared by decide() and the explain endpoint.
struct GrantCheck {
  const Purpose* purpose = nullptr;
  std::string role;                 // the role the grant was found for
  std::string grant_id;             // grant id(s), or "standing:<purpose>"
  std::vector<std::string> fields;  // granted ∩ covered, sorted
  std::optional<Problem> problem;
};

GrantCheck check_grant(const PolicySnapshot& policy, const Identity& identity,
                       const std::vector<std::string>& roles, std::string_view purpose_id,
                       std::string_view dataset, std::string_view resource,
                       const std::vector<std::string>& requested_fields, TimePoint now);

// The grant check of a linked query's input, made before anything is fetched: the caller's grant
// must cover every field the query reads from the input (`wanted`), or the whole run is refused
// 403 field-not-granted with the access request that would cover it. On success fills the
// decision's legal basis, processing activity, role and grant, and returns nullopt.
std::optional<Problem> check_linked_input(const PolicySnapshot& policy, const Identity& identity,
                                          std::string_view purpose_id, std::string_view dataset,
                                          std::string_view resource,
                                          const std::vector<std::string>& wanted, TimePoint now,
                                          AccessDecision& decision);

// The body to POST to /v1/access-requests to obtain what was missing.
nlohmann::json access_request_template(const Purpose& purpose, std::string_view role,
                                       std::string_view dataset, std::string_view resource,
                                       const std::vector<std::string>& fields);

}  // namespace bronpoort::access
