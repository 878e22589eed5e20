#include <bronpoort/core/purpose_id.hpp>
#include <bronpoort/core/result.hpp>

namespace bronpoort {

bool is_purpose_id(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  if (id.front() == '-' || id.back() == '-') return false;
  char prev = 0;
  for (char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    if (!ok || (c == '-' && prev == '-')) return false;
    prev = c;
  }
  return true;
}

Result<std::string> read_stated_purpose(const HeaderMap& headers) {
  const std::size_t count = headers.count(kPurposeHeader);
  if (count > 1) {
    return make_problem(400, "purpose-ambiguous",
                        "State exactly one purpose: send the Processing-Purpose header once.");
  }
  const auto value = headers.find(kPurposeHeader);
  if (count == 0 || !value || value->empty()) {
    return make_problem(400, "purpose-missing",
                        "State the purpose of this request in the Processing-Purpose header; "
                        "GET /v1/purposes lists them.");
  }
  if (!is_purpose_id(*value)) {
    return make_problem(400, "purpose-invalid",
                        "Processing-Purpose must be a purpose id: lower-case letters, digits and "
                        "single hyphens, at most 64 characters.");
  }
  return std::string(*value);
}

}  // namespace bronpoort
