#pragma once
// A purpose from the purpose register (doelbinding): why data may be processed, on which legal
// basis, by which roles, and which datasets, resources and fields it covers.

#include <bronpoort/core/access_decision.hpp>

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bronpoort::access {

// DPV-style legal basis categories (https://w3id.org/dpv#LegalBasis).
enum class LegalBasisCategory {
  LegalObligation,
  PublicTask,
  Consent,
  Contract,
  VitalInterest,
  LegitimateInterest
};

const char* legal_basis_category_name(LegalBasisCategory c);
std::optional<LegalBasisCategory> parse_legal_basis_category(const std::string& s);

struct LegalBasis {
  std::string citation;  // e.g. "Wet gemeentelijke schuldhulpverlening, artikel 4a"
  LegalBasisCategory category = LegalBasisCategory::PublicTask;
};

// dataset -> resource -> covered fields (sorted, unique).
// Transparent comparators let a decision look up with string_views, without building strings.
using ResourceFields = std::map<std::string, std::vector<std::string>, std::less<>>;
using Coverage = std::map<std::string, ResourceFields, std::less<>>;

struct Purpose {
  std::string id;
  std::string name;
  std::string description;
  LegalBasis legal_basis;
  std::string processing_activity;  // URI of the processing activity
  std::vector<std::string> roles;   // roles that may state this purpose
  Coverage coverage;
  PurposeScope scope = PurposeScope::Case;
  // Validity in UTC: from the start of `valid_from` up to the end of `valid_until` (inclusive
  // days). No `valid_until` means open-ended.
  std::chrono::sys_days valid_from{};
  std::optional<std::chrono::sys_days> valid_until;
  bool pre_approved = false;  // standing approval by the source holder for the listed roles
  // A request approved by hand may approve other organisations' identical requests by precedent
  // only when the purpose says so; by default a precedent counts only for the organisation whose
  // request the holder approved (`precedentAcrossOrganisations` in the register).
  bool precedent_across_organisations = false;
  std::string source_file;  // where it was loaded from, for error messages

  // The fields covered for dataset/resource, or nullptr when the purpose does not cover it.
  const std::vector<std::string>* covered_fields(std::string_view dataset,
                                                 std::string_view resource) const;
  bool allows_role(const std::string& role) const;
  // The first instant after the validity; time_point::max() when open-ended.
  std::chrono::system_clock::time_point ends_at() const;
};

// Purpose ids are lower-case kebab-case words, at most 64 characters: they travel in a header
// and in URLs, so anything else is refused before any lookup.
bool valid_purpose_id(std::string_view id);

const char* scope_name(PurposeScope s);

}  // namespace bronpoort::access
