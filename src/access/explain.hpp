#pragma once
// The dry-run behind POST /v1/access-checks: would this caller, with this role and purpose, get
// these fields of this resource, and if not, what is missing? Reads the policy only.

#include <bronpoort/access/policy_snapshot.hpp>
#include <bronpoort/core/identity.hpp>

#include "body_reader.hpp"

#include <nlohmann/json.hpp>

namespace bronpoort::access {

nlohmann::json explain_access(const PolicySnapshot& policy, const Identity& caller,
                              const AccessCheckQuery& query, TimePoint now);

}  // namespace bronpoort::access
