#include <bronpoort/common/json_reader.hpp>
#include <bronpoort/linkage/caller_filters.hpp>

#include <algorithm>
#include <cstdio>

namespace bronpoort::linkage {
namespace {

std::string declared_list(const LinkedQuery& q) {
  std::string out;
  for (const auto& f : q.filters) out += (out.empty() ? "" : ", ") + f.column;
  return out.empty() ? "none" : out;
}

// The half-open date range [from, to) of a year ("2024") or a year-month ("2024-03"); nullopt
// when the value is not one.
std::optional<std::pair<std::string, std::string>> date_range(const std::string& value,
                                                              const std::string& part) {
  int year = 0;
  unsigned month = 1;
  char tail = 0;
  const bool parsed =
      part == "year"
          ? value.size() == 4 && std::sscanf(value.c_str(), "%4d%c", &year, &tail) == 1
          : value.size() == 7 && std::sscanf(value.c_str(), "%4d-%2u%c", &year, &month, &tail) == 2;
  if (!parsed || year < 1000 || year > 9998 || month < 1 || month > 12) return std::nullopt;
  const bool whole_year = part == "year";
  const int to_year = whole_year || month == 12 ? year + 1 : year;
  const unsigned to_month = whole_year || month == 12 ? 1u : month + 1;
  char from[32], to[32];
  std::snprintf(from, sizeof from, "%04d-%02u-01", year, month);
  std::snprintf(to, sizeof to, "%04d-%02u-01", to_year, to_month);
  return std::pair<std::string, std::string>{from, to};
}

// Narrows `cond` (a field's search condition) to [from, to), keeping the tighter bound when two
// declared columns derive from the same date.
void narrow(nlohmann::json& cond, const std::string& from, const std::string& to) {
  if (!cond.contains("gte") || cond["gte"].get<std::string>() < from) cond["gte"] = from;
  if (!cond.contains("lt") || cond["lt"].get<std::string>() > to) cond["lt"] = to;
}

}  // namespace

SourceFilters source_filters(const LinkedQuery& q, const nlohmann::json& caller_filters) {
  SourceFilters out;
  auto problem =
      make_problem(400, "filter-not-allowed",
                   "Linked query '" + q.id + "' may only be filtered on the columns it declares (" +
                       declared_list(q) + "), each with {\"eq\": \"value\"}; " +
                       "GET /v1/linked-queries/" + q.id + " lists them.");
  auto reject = [&problem](const std::string& column, std::string reason) {
    problem.invalid_params.push_back({"/filters/" + common::escape_pointer_token(column),
                                      std::move(reason), "filter-not-allowed"});
  };
  for (const auto& [column, cond] : caller_filters.items()) {
    const DeclaredFilter* declared = q.filter(column);
    if (!declared) {
      // A named reference: clang before 16 cannot capture a structured binding.
      const std::string& name = column;
      const bool key = std::any_of(q.inputs.begin(), q.inputs.end(),
                                   [&name](const Input& in) { return in.key == name; });
      reject(column, key ? "the key cannot be filtered on: it would single a person out"
                         : "not a filter this linked query declares");
      continue;
    }
    if (!cond.is_object() || cond.size() != 1 || !cond.contains("eq") || !cond["eq"].is_string()) {
      reject(column, "only equality on one value, {\"eq\": \"value\"}, is allowed");
      continue;
    }
    const std::string value = cond["eq"];
    if (!declared->values.empty() && std::find(declared->values.begin(), declared->values.end(),
                                               value) == declared->values.end()) {
      std::string allowed;
      for (const auto& v : declared->values) allowed += (allowed.empty() ? "" : ", ") + v;
      reject(column, "not one of the declared values (" + allowed + ")");
      continue;
    }
    if (declared->date_part.empty()) {
      out.filters[declared->field] = {{"eq", value}};
      continue;
    }
    auto range = date_range(value, declared->date_part);
    if (!range) {
      reject(column, declared->date_part == "year" ? "not a year, e.g. \"2024\""
                                                   : "not a year-month, e.g. \"2024-03\"");
      continue;
    }
    auto& field_cond = out.filters[declared->field];
    if (field_cond.is_null()) field_cond = nlohmann::json::object();
    narrow(field_cond, range->first, range->second);
  }
  if (!problem.invalid_params.empty()) {
    out.filters = nlohmann::json::object();
    out.problem = std::move(problem);
  }
  return out;
}

}  // namespace bronpoort::linkage
