#pragma once
// The syntax of a purpose id, shared by every stage that reads a stated purpose: lower-case words
// of a-z and 0-9 joined by single '-', at most 64 characters. Ids travel in a header and in URLs,
// so anything else is refused before any lookup, and caller text that is not an id is never kept.

#include <bronpoort/core/headers.hpp>
#include <bronpoort/core/problem.hpp>
#include <bronpoort/core/result.hpp>

#include <string>
#include <string_view>
#include <variant>

namespace bronpoort {

inline constexpr const char* kPurposeHeader = "Processing-Purpose";

bool is_purpose_id(std::string_view id);

// The one reader of the stated purpose: exactly one Processing-Purpose header holding a purpose id.
// Otherwise a 400 problem: purpose-missing, purpose-ambiguous (sent more than once) or
// purpose-invalid (the value is not echoed: it is untrusted and may be crafted for a log or a
// client). Whether the purpose exists and covers the request is the access checker's question.
Result<std::string> read_stated_purpose(const HeaderMap& headers);

}  // namespace bronpoort
