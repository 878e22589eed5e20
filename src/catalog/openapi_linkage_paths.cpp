// Descriptions of the trusted third party's endpoints: the linked queries on offer and a run.

#include "openapi_parts.hpp"

#include <bronpoort/catalog/openapi.hpp>
#include <bronpoort/schema/bundled.hpp>

namespace bronpoort::catalog::openapi {
namespace {

nlohmann::json array_of(nlohmann::json items, const std::string& description) {
  return {{"type", "array"}, {"items", std::move(items)}, {"description", description}};
}

nlohmann::json link() {
  return {{"type", "object"}, {"properties", {{"href", {{"type", "string"}}}}}};
}

nlohmann::json linked_query_schema() {
  nlohmann::json input = {
      {"type", "object"},
      {"properties",
       {{"name", str("The input's name.")},
        {"dataset", str("Dataset id.")},
        {"resource", str("Resource id.")},
        {"keyType", str("The kind of key the inputs are linked on, e.g. BSN.")},
        {"fields", array_of({{"type", "object"},
                             {"properties",
                              {{"field", str("The resource's field.")},
                               {"column", str("Its column in the linked rows.")}}}},
                            "The fields taken from this input; the key is never delivered.")}}}};
  nlohmann::json measure = {
      {"type", "object"},
      {"properties",
       {{"name", str("The measure's column.")},
        {"op", {{"type", "string"}, {"enum", {"countSubjects", "countRows", "sum", "avg"}}}},
        {"field", str("The column summed or averaged.")}}}};
  return {
      {"type", "object"},
      {"properties",
       {{"id", str("Linked query id.")},
        {"title", str("Title.")},
        {"description", str("What it answers.")},
        {"purpose", str("The purpose (scope dataset) a caller states to run it.")},
        {"inputs", array_of(input, "The sources, in the order they are read.")},
        {"derived",
         array_of({{"type", "object"}},
                  "Coarser columns computed before delivery (age bands, year of a date).")},
        {"filters",
         array_of({{"type", "object"},
                   {"properties",
                    {{"column", str("A column a run may be filtered on.")},
                     {"op", {{"type", "string"}, {"enum", {"eq"}}}},
                     {"values", array_of({{"type", "string"}},
                                         "The values that may be asked for; any when absent.")}}}},
                  "The only filters a run accepts: equality on a category, or on a year or "
                  "year-month, of the first input.")},
        {"deliveries",
         {{"type", "object"},
          {"properties",
           {{"aggregate",
             {{"type", "object"},
              {"properties",
               {{"groupBy", array_of({{"type", "string"}}, "Columns the cells are grouped by.")},
                {"measures", array_of(measure, "What each cell reports.")},
                {"minCellSize",
                 {{"type", "integer"},
                  {"description", "Cells with fewer distinct subjects are suppressed."}}}}}}},
            {"rows",
             {{"type", "object"},
              {"properties",
               {{"columns",
                 array_of({{"type", "string"}}, "Columns delivered besides the pseudonym.")},
                {"minCohort",
                 {{"type", "integer"},
                  {"description",
                   "A rows delivery with fewer distinct subjects is refused."}}}}}}}}}}},
        {"_links",
         {{"type", "object"},
          {"properties", {{"self", link()}, {"results", link()}, {"purpose", link()}}}}}}}};
}

nlohmann::json result_schema() {
  return {
      {"type", "object"},
      {"description",
       "The delivery. No value of the linking key appears in it: aggregates report cells with at "
       "least minCellSize distinct subjects (smaller cells are left out and only counted, and no "
       "totals are given), rows carry a pseudonym that only this organisation receives for this "
       "purpose."},
      {"properties",
       {{"linkedQuery", str("The linked query that ran.")},
        {"purpose", str("The purpose it ran for.")},
        {"referenceDate",
         {{"type", "string"},
          {"format", "date"},
          {"description",
           "Ages are "
           "on this day."}}},
        {"delivery", {{"type", "string"}, {"enum", {"aggregate", "rows"}}}},
        {"minCellSize", {{"type", "integer"}}},
        {"suppressedCells", {{"type", "integer"}, {"description", "Cells left out as too small."}}},
        {"cells", array_of({{"type", "object"}, {"additionalProperties", true}},
                           "Group columns and measures per cell.")},
        {"pseudonymFor",
         {{"type", "object"},
          {"properties",
           {{"organisation", str("The receiving organisation (OIN).")},
            {"purpose", str("The purpose the pseudonyms belong to.")}}}}},
        {"rows", array_of({{"type", "object"}, {"additionalProperties", true}},
                          "One row per linked record: pseudonym and columns.")}}}};
}

nlohmann::json id_parameter() {
  return path_parameter("id", "Linked query id.");
}

}  // namespace

nlohmann::json linkage_schemas() {
  nlohmann::json unused = nlohmann::json::object();
  return {
      {"LinkedQuery", linked_query_schema()},
      {"LinkedQueryList",
       {{"type", "object"},
        {"properties",
         {{"linkedQueries", array_of(ref_schema("LinkedQuery"), "The linked queries.")},
          {"_links", {{"type", "object"}, {"properties", {{"self", link()}}}}}}}}},
      {"LinkedQueryRun",
       to_openapi_schema(*schema::bundled_schema_document("requests/linked-query-run.schema.json"),
                         "", unused)},
      {"LinkedQueryResult", result_schema()}};
}

std::vector<Operation> linkage_operations() {
  std::vector<Operation> ops;
  auto list = operation("linked-queries", "listLinkedQueries", "Linked queries",
                        "The trusted third party's linked queries: which sources each links on "
                        "which key, for which purpose, and what it delivers. Public.",
                        false);
  list["responses"] = with_problems(
      {{"200", ok_response("The linked queries.", ref_schema("LinkedQueryList"))}}, {400});
  ops.push_back({"GET", "/v1/linked-queries", list});

  auto one = operation("linked-queries", "getLinkedQuery", "One linked query", "Public.", false);
  one["parameters"] = {id_parameter()};
  one["responses"] = with_problems(
      {{"200", ok_response("The linked query.", ref_schema("LinkedQuery"))}}, {400, 404});
  ops.push_back({"GET", "/v1/linked-queries/{id}", one});

  auto run = operation(
      "linked-queries", "runLinkedQuery", "Run a linked query",
      "Fetches every input under the caller's grants (each fetch checked and logged per data "
      "subject), links them on the key, and delivers aggregates or pseudonymised rows. State the "
      "linked query's purpose in Processing-Purpose. Refused before anything is fetched when an "
      "input is not granted (the detail names the access request to file) or a filter is not one "
      "the linked query declares (400 filter-not-allowed). Refused after fetching, with nothing "
      "delivered, when fewer people match than the minimum (422 linkage-population-too-small, "
      "linkage-cohort-too-small) or when an aggregate, set against what the caller's "
      "organisation has received before, would let a difference single out fewer than "
      "minCellSize people (409 linkage-differencing).",
      true);
  run["parameters"] = {id_parameter(), ref_parameter("ProcessingPurpose")};
  run["requestBody"] = json_body(ref_schema("LinkedQueryRun"), "Delivery and filters.");
  run["responses"].update(
      with_problems({{"200", ok_response("The delivery.", ref_schema("LinkedQueryResult"))}},
                    {400, 403, 404, 409, 413, 422, 429, 502, 503, 504}));
  ops.push_back({"POST", "/v1/linked-queries/{id}/results", run});
  return ops;
}

}  // namespace bronpoort::catalog::openapi
