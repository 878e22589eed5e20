#pragma once
// JSON parsing for untrusted token parts and key files. nlohmann::json keeps the last of two
// members with the same name; two readers of one token could then disagree about its claims
// (RFC 7515 section 5.2 and RFC 8725 section 3.3 require rejecting duplicates), so they are
// detected here.

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

namespace bronpoort::authenticate {

struct StrictJsonResult {
  nlohmann::json value;  // discarded() when parsing failed
  std::string error;     // why, when it failed; never contains the input itself
  bool ok() const { return error.empty(); }
};

// Parses `text`, refusing syntax errors, invalid UTF-8, duplicate member names at any depth and
// nesting deeper than `max_depth`.
StrictJsonResult parse_strict_json(std::string_view text, int max_depth);

}  // namespace bronpoort::authenticate
