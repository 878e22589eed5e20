#pragma once
// A caller's filters on a linked-query run, checked against what the linked query declares and
// turned into the first input's search filters.
//
// A caller names columns, each with one value: {"status": {"eq": "open"}, "openedYear":
// {"eq": "2024"}}. Only declared columns are accepted, only equality, and only the declared
// values when the query lists them; a year or year-month becomes a date range on the field it is
// derived from. Everything else is refused before anything is fetched: a range on an amount or an
// exact date, or a filter on the key, could narrow the population until one person is left.

#include <bronpoort/core/problem.hpp>
#include <bronpoort/linkage/linked_query.hpp>

#include <nlohmann/json.hpp>

#include <optional>

namespace bronpoort::linkage {

struct SourceFilters {
  nlohmann::json filters = nlohmann::json::object();  // the first input's search filters
  std::optional<Problem> problem;  // 400 filter-not-allowed, naming each offending filter
};

SourceFilters source_filters(const LinkedQuery& query, const nlohmann::json& caller_filters);

}  // namespace bronpoort::linkage
