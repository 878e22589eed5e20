#include <bronpoort/access/purpose.hpp>
#include <bronpoort/core/purpose_id.hpp>

#include <algorithm>

namespace bronpoort::access {

const char* legal_basis_category_name(LegalBasisCategory c) {
  switch (c) {
    case LegalBasisCategory::LegalObligation:
      return "LegalObligation";
    case LegalBasisCategory::PublicTask:
      return "PublicTask";
    case LegalBasisCategory::Consent:
      return "Consent";
    case LegalBasisCategory::Contract:
      return "Contract";
    case LegalBasisCategory::VitalInterest:
      return "VitalInterest";
    case LegalBasisCategory::LegitimateInterest:
      return "LegitimateInterest";
  }
  return "PublicTask";
}

std::optional<LegalBasisCategory> parse_legal_basis_category(const std::string& s) {
  for (auto c : {LegalBasisCategory::LegalObligation, LegalBasisCategory::PublicTask,
                 LegalBasisCategory::Consent, LegalBasisCategory::Contract,
                 LegalBasisCategory::VitalInterest, LegalBasisCategory::LegitimateInterest}) {
    if (s == legal_basis_category_name(c)) return c;
  }
  return std::nullopt;
}

const std::vector<std::string>* Purpose::covered_fields(std::string_view dataset,
                                                        std::string_view resource) const {
  auto d = coverage.find(dataset);
  if (d == coverage.end()) return nullptr;
  auto r = d->second.find(resource);
  return r == d->second.end() ? nullptr : &r->second;
}

bool Purpose::allows_role(const std::string& role) const {
  return std::find(roles.begin(), roles.end(), role) != roles.end();
}

std::chrono::system_clock::time_point Purpose::ends_at() const {
  using TimePoint = std::chrono::system_clock::time_point;
  return valid_until ? TimePoint{*valid_until + std::chrono::days{1}} : TimePoint::max();
}

bool valid_purpose_id(std::string_view id) {
  return is_purpose_id(id);
}

const char* scope_name(PurposeScope s) {
  return s == PurposeScope::Case ? "case" : "dataset";
}

}  // namespace bronpoort::access
