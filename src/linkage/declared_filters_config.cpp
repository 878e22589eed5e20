// The filters a linked query declares: what a caller may narrow the population by.

#include "query_checker.hpp"

#include <algorithm>
#include <set>

namespace bronpoort::linkage {
namespace {

bool is_date_part_value(const std::string& v, const std::string& part) {
  auto digits = [&v](std::size_t from, std::size_t n) {
    return std::all_of(v.begin() + static_cast<long>(from), v.begin() + static_cast<long>(from + n),
                       [](char c) { return c >= '0' && c <= '9'; });
  };
  if (part == "year") return v.size() == 4 && digits(0, 4);
  return v.size() == 7 && digits(0, 4) && v[4] == '-' && digits(5, 2) && v.substr(5) >= "01" &&
         v.substr(5) <= "12";
}

}  // namespace

// A caller's filter may only cut the population along a category or a coarsened date of the
// first input: every other filter could be tightened until one person is left.
void read_filters(const nlohmann::json& list, QueryChecker& check, LinkedQuery& q) {
  std::set<std::string> seen;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string at = "/filters/" + std::to_string(i);
    DeclaredFilter f;
    f.column = list[i]["column"];
    if (list[i].contains("values")) f.values = list[i]["values"].get<std::vector<std::string>>();
    if (!seen.insert(f.column).second) check.error(at + "/column", "declared twice");
    const Column* c = check.need_column(f.column, at + "/column");
    if (!c) continue;
    if (c->input != 0) {
      check.error(at + "/column", "'" + f.column + "' does not come from the first input '" +
                                      q.inputs.front().name +
                                      "': only the first input's population can be narrowed");
    } else if (c->derived && c->date_part.empty()) {
      check.error(at + "/column",
                  "'" + f.column + "' is an age band: group by it instead of filtering on it");
    } else if (c->numeric) {
      check.error(
          at + "/column",
          "'" + f.column + "' is a number: a filter on it could cut out one person's amount");
    } else if (c->is_date) {
      check.error(at + "/column", "'" + f.column +
                                      "' is an exact date, which can single a person out; "
                                      "declare a derived datePart of it instead");
    }
    f.field = c->field;
    f.date_part = c->date_part;
    for (std::size_t v = 0; v < f.values.size(); ++v) {
      if (!f.date_part.empty() && !is_date_part_value(f.values[v], f.date_part)) {
        check.error(
            at + "/values/" + std::to_string(v),
            "not a " + std::string(f.date_part == "year" ? "year (2024)" : "year-month (2024-03)"));
      }
    }
    q.filters.push_back(std::move(f));
  }
}

}  // namespace bronpoort::linkage
