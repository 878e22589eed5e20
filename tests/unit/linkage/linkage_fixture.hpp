#pragma once
// A small world for the trusted third party's tests: a persons registry and debt-assistance
// cases (both about BSN), an addresses resource with no data subject and vehicles keyed on a
// licence plate; a dataset purpose and a case purpose; and a linked query over persons and cases.

#include <bronpoort/linkage/linked_query.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <string>

namespace bronpoort::linkage::testing {

inline ResourceLookup sample_resources() {
  return
      [](const std::string& dataset, const std::string& resource) -> std::optional<ResourceFacts> {
        ResourceFacts f;
        if (dataset == "debt-assistance" && resource == "cases") {
          f.fields = {{"caseId", false, false, false},       {"bsn", false, false, true},
                      {"municipality", false, false, false}, {"openedDate", false, true, false},
                      {"status", false, false, false},       {"debtAmount", true, false, false}};
          f.subject_field = "bsn";
          f.subject_type = "BSN";
          f.max_page_size = 500;
          return f;
        }
        if (dataset == "persons" && resource == "persons") {
          f.fields = {{"bsn", false, false, true},
                      {"name", false, false, true},
                      {"birthDate", false, true, false},
                      {"municipality", false, false, false}};
          f.subject_field = "bsn";
          f.subject_type = "BSN";
          return f;
        }
        if (dataset == "addresses" && resource == "addresses") {
          f.fields = {{"addressId", false, false, false}, {"municipality", false, false, false}};
          return f;
        }
        if (dataset == "vehicles" && resource == "vehicles") {
          f.fields = {{"plate", false, false, true}, {"make", false, false, false}};
          f.subject_field = "plate";
          f.subject_type = "KENTEKEN";
          return f;
        }
        return std::nullopt;
      };
}

inline PurposeLookup sample_purposes() {
  return [](const std::string& id) -> std::optional<PurposeFacts> {
    if (id == "debt-monitor") return PurposeFacts{true};
    if (id == "casework") return PurposeFacts{false};
    return std::nullopt;
  };
}

// A valid linked query: cases ⋈ persons on BSN, aggregate and rows.
inline nlohmann::json sample_query() {
  return nlohmann::json::parse(R"({
    "id": "debt-by-age",
    "title": "Debt by age",
    "description": "Debt assistance per municipality and age group.",
    "purpose": "debt-monitor",
    "inputs": [
      {"name": "cases", "dataset": "debt-assistance", "resource": "cases", "key": "bsn",
       "fields": ["municipality", "openedDate", "status", "debtAmount"]},
      {"name": "persons", "dataset": "persons", "resource": "persons", "key": "bsn",
       "fields": ["birthDate", {"field": "municipality", "as": "residence"}]}
    ],
    "derived": [
      {"name": "ageGroup", "from": "birthDate", "ageBands": [18, 27, 45, 67]},
      {"name": "openedYear", "from": "openedDate", "datePart": "year"}
    ],
    "filters": [
      {"column": "municipality"},
      {"column": "status", "values": ["open", "closed"]},
      {"column": "openedYear"}
    ],
    "aggregate": {
      "groupBy": ["municipality", "ageGroup"],
      "measures": [
        {"name": "people", "op": "countSubjects"},
        {"name": "cases", "op": "countRows"},
        {"name": "totalDebt", "op": "sum", "field": "debtAmount"},
        {"name": "averageDebt", "op": "avg", "field": "debtAmount"}
      ],
      "minCellSize": 3
    },
    "rows": {"columns": ["municipality", "ageGroup", "openedYear", "debtAmount"], "minCohort": 3}
  })");
}

inline LinkedQuery sample_linked_query() {
  ConfigErrors errors;
  auto q =
      read_linked_query(sample_query(), "q.json", sample_resources(), sample_purposes(), errors);
  return q.value_or(LinkedQuery{});
}

}  // namespace bronpoort::linkage::testing
