#pragma once
// A refusal or failure on the request path, rendered as RFC 9457 application/problem+json.
// Stages return problems as values; nothing on the request path throws to report one.

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace bronpoort {

// One parameter or body member that made a request invalid (rendered in `invalidParams`).
struct InvalidParam {
  std::string name;    // query parameter, header or JSON pointer into the body
  std::string reason;  // what is wrong and what would be right
  std::string code;    // stable machine code, e.g. "unknown-field"
};

// A problem lists at most this many invalid parameters, then one entry that says how many more
// there were: a hostile body with 100,000 violations must not buy a 20 MB answer.
inline constexpr std::size_t kMaxListedInvalidParams = 50;

struct Problem {
  int status = 500;
  std::string code;    // stable machine code, e.g. "purpose-missing", "token-expired"
  std::string title;   // short, the same for every occurrence of this code
  std::string detail;  // this occurrence: what happened and what the caller can do about it
  std::vector<InvalidParam> invalid_params;
  // Violations found beyond those in invalid_params (collectors stop keeping them at the cap).
  std::size_t invalid_params_omitted = 0;

  // Adds one violation, or only counts it once kMaxListedInvalidParams are kept.
  void add_invalid_param(InvalidParam param);

  // Renders the problem+json body. `instance` is the request path, `trace_id` lets a caller quote
  // the request to an operator.
  std::string to_json(const std::string& instance, const std::string& trace_id) const;
};

// Builds a problem with the standard title for `status` unless one is given.
Problem make_problem(int status, std::string code, std::string detail, std::string title = {});

// The reason phrase for an HTTP status ("Not Found"); "Unknown" for codes we do not use.
const char* status_title(int status);

}  // namespace bronpoort
