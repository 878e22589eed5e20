#pragma once
// The outcome of the role-and-purpose check for one request.

#include <string>
#include <vector>

namespace bronpoort {

enum class PurposeScope { Case, Dataset };

struct AccessDecision {
  bool evaluated = false;  // false: no access check applied (public or control endpoint)
  bool allowed = false;
  std::string code;    // deny code, e.g. "no-grant"; empty when allowed
  std::string reason;  // human-readable reason / what would give access
  std::string purpose_id;
  std::string legal_basis;  // citation text
  std::string
      processing_activity;  // URI of the processing activity (dpl.core.processing_activity_id)
  std::string role;         // the role the decision was made for
  std::string grant_id;     // the grant (or "standing:<purpose>") that allowed it
  PurposeScope scope = PurposeScope::Case;
  std::vector<std::string> fields_granted;   // what may be released
  std::vector<std::string> fields_withheld;  // requested or existing fields removed from the answer
};

}  // namespace bronpoort
