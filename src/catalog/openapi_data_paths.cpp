// The data endpoints of every registered resource, written out per concrete dataset/resource so
// each has its own filter parameters and record schema:
//   GET  /datasets/{dataset}/{resource}            list with filters, paging, sort, fields
//   POST /datasets/{dataset}/{resource}/search     the same query in a JSON body (the only way
//                                                  to filter on identifying values such as BSN)
//   GET  /datasets/{dataset}/{resource}/{idField}  one record, unless the id identifies a person

#include "openapi_parts.hpp"

#include <bronpoort/catalog/openapi.hpp>

#include <map>

namespace bronpoort::catalog::openapi {
namespace {

nlohmann::json value_schema(const Field& f) {
  nlohmann::json s = {{"type", f.type}};
  if (!f.format.empty()) s["format"] = f.format;
  return s;
}

std::string purposes_text(const Resource& r) {
  if (r.purposes.empty()) {
    return " No purpose covers this resource yet: file an access request (POST "
           "/v1/access-requests) naming a purpose from GET /v1/purposes.";
  }
  std::string text = " Purposes that cover it:";
  for (const auto& p : r.purposes) {
    text += " `" + p.id + "` (" + p.legal_basis + ")";
    text += &p == &r.purposes.back() ? "." : ";";
  }
  return text;
}

std::string field_names(const Resource& r, bool sortable_only) {
  std::string out;
  for (const auto& f : r.fields) {
    if (sortable_only && !f.sortable) continue;
    out += (out.empty() ? "" : ", ") + f.name;
  }
  return out.empty() ? "(none)" : out;
}

// The collection body of list and search answers (src/sources/paging.cpp): the records under
// _embedded.<resource>, the page, the total when asked for, and links to neighbouring pages
// (for a search: the same POST with another "page", so identifiers stay out of URLs).
nlohmann::json collection_schema(const Resource& r, const nlohmann::json& record) {
  nlohmann::json link = {
      {"type", "object"},
      {"properties",
       {{"href", {{"type", "string"}}},
        {"method", {{"type", "string"}, {"description", "POST for a search."}}},
        {"page", {{"type", "integer"}, {"description", "The body's page, for a search."}}}}}};
  return {
      {"type", "object"},
      {"required", {"_embedded", "page", "pageSize", "_links"}},
      {"properties",
       {{"_embedded",
         {{"type", "object"}, {"properties", {{r.id, {{"type", "array"}, {"items", record}}}}}}},
        {"page", {{"type", "integer"}}},
        {"pageSize", {{"type", "integer"}}},
        {"total", {{"type", "integer"}, {"description", "All matches; only with includeTotal."}}},
        {"_links",
         {{"type", "object"}, {"properties", {{"self", link}, {"next", link}, {"prev", link}}}}}}}};
}

nlohmann::json data_responses(const nlohmann::json& schema, const std::string& what,
                              std::initializer_list<int> problems) {
  nlohmann::json headers = {{"Withheld-Fields",
                             {{"description",
                               "Fields removed because the grant for your purpose does not cover "
                               "them (comma-separated)."},
                              {"schema", {{"type", "string"}}}}},
                            {"Processing-Log-Receipt",
                             {{"description",
                               "The processing-log records this response caused: "
                               "chain=<id>;seq=<n>;leaf=<hex leaf hash> per record, "
                               "comma-separated. Ask for an inclusion proof later to check that "
                               "they are in the log (docs/verifiable-log.md)."},
                              {"schema", {{"type", "string"}}}}}};
  if (schema.contains("properties") && schema["properties"].contains("_links")) {
    headers["Link"] = {{"description", "RFC 8288 links to the next and previous page of a list."},
                       {"schema", {{"type", "string"}}}};
  }
  nlohmann::json responses = {{"200", ok_response_with_headers(what, schema, headers)}};
  return with_problems(std::move(responses), problems);
}

void add_filter_parameters(const Field& f, nlohmann::json& params) {
  for (const auto& name : filter_parameter_names(f)) {
    const std::string suffix = name.substr(f.name.size());
    nlohmann::json schema = value_schema(f);
    std::string text;
    if (suffix.empty()) {
      text = "Only records whose " + f.name + " equals this value.";
    } else if (suffix == "In") {
      schema = {{"type", "string"}};
      text = "Only records whose " + f.name + " is one of these comma-separated values.";
    } else if (suffix == "StartsWith") {
      schema = {{"type", "string"}};
      text = "Only records whose " + f.name + " starts with this text.";
    } else {
      static const std::map<std::string, std::string> words = {
          {"Gt", "greater than"}, {"Gte", "at least"}, {"Lt", "less than"}, {"Lte", "at most"}};
      text = "Only records whose " + f.name + " is " + words.at(suffix) + " this value.";
    }
    params.push_back(query_parameter(name, text + " " + f.definition, schema));
  }
}

nlohmann::json list_operation(const Dataset& d, const Resource& r, const std::string& name,
                              const nlohmann::json& record) {
  nlohmann::json op = operation(
      d.id, "list" + name, "List " + d.title + ": " + r.id,
      "Records of " + d.id + "/" + r.id + " held by " + d.organisation.name +
          ", fetched from the source for this request and reduced to the fields your grant "
          "covers. Filter with `field`, `fieldGt`, `fieldGte`, `fieldLt`, `fieldLte`, "
          "`fieldStartsWith` and `fieldIn`; identifying fields can only be filtered through "
          "the search operation." +
          purposes_text(r),
      true);
  nlohmann::json params = nlohmann::json::array({ref_parameter("ProcessingPurpose")});
  for (const auto& f : r.fields) add_filter_parameters(f, params);
  params.push_back(query_parameter("page", "Page number, starting at 1.",
                                   {{"type", "integer"}, {"minimum", 1}, {"default", 1}}));
  params.push_back(query_parameter("pageSize", "Records per page.",
                                   {{"type", "integer"},
                                    {"minimum", 1},
                                    {"maximum", r.max_page_size},
                                    {"default", r.default_page_size}}));
  params.push_back(
      query_parameter("sort",
                      "Comma-separated sortable fields, `-field` for descending. Sortable: " +
                          field_names(r, true) + ".",
                      {{"type", "string"}}));
  params.push_back(query_parameter(
      "fields",
      "Comma-separated fields to return (fewer than granted). Fields: " + field_names(r, false) +
          ".",
      {{"type", "string"}}));
  params.push_back(query_parameter("includeTotal", "Also count all matching records.",
                                   {{"type", "boolean"}, {"default", false}}));
  op["parameters"] = params;
  op["responses"].update(data_responses(collection_schema(r, record),
                                        "The matching records of this page.",
                                        {400, 401, 403, 429, 502, 503, 504}));
  return op;
}

nlohmann::json search_body_schema(const Resource& r) {
  nlohmann::json filters = nlohmann::json::object();
  for (const auto& f : r.fields) {
    if (!f.filterable) continue;
    nlohmann::json ops = {
        {"eq", value_schema(f)},
        {"in",
         {{"type", "array"}, {"minItems", 1}, {"maxItems", 100}, {"items", value_schema(f)}}}};
    if (f.type != "boolean") {
      for (const char* op : {"gt", "gte", "lt", "lte"}) ops[op] = value_schema(f);
    }
    if (f.type == "string") ops["startsWith"] = {{"type", "string"}};
    filters[f.name] = {{"type", "object"},
                       {"description", f.definition},
                       {"properties", ops},
                       {"additionalProperties", false}};
    // The design rules want every date-named property to state its format; on this operator
    // object it is an annotation saying the operands are dates (each operand has it too).
    if (!f.format.empty()) filters[f.name]["format"] = f.format;
  }
  nlohmann::json names = {{"type", "array"}, {"items", {{"type", "string"}}}};
  return {
      {"type", "object"},
      {"additionalProperties", false},
      {"properties",
       {{"filters", {{"type", "object"}, {"properties", filters}, {"additionalProperties", false}}},
        {"sort",
         {{"type", "array"},
          {"items", {{"type", "string"}}},
          {"description", "Sortable fields, `-field` for descending."}}},
        {"fields", names},
        {"page", {{"type", "integer"}, {"minimum", 1}, {"maximum", 1000000}}},
        {"pageSize", {{"type", "integer"}, {"minimum", 1}, {"maximum", r.max_page_size}}},
        {"includeTotal", {{"type", "boolean"}}}}}};
}

nlohmann::json search_operation(const Dataset& d, const Resource& r, const std::string& name,
                                const nlohmann::json& record) {
  nlohmann::json op = operation(
      d.id, "search" + name, "Search " + d.title + ": " + r.id,
      "The list query in a JSON body, so identifying values (such as a BSN) never appear in a "
      "URL." +
          purposes_text(r),
      true);
  op["parameters"] = nlohmann::json::array({ref_parameter("ProcessingPurpose")});
  op["requestBody"] = json_body(search_body_schema(r), "Filters, sort, fields and paging.");
  op["responses"].update(data_responses(collection_schema(r, record),
                                        "The matching records of this page.",
                                        {400, 401, 403, 429, 502, 503, 504}));
  return op;
}

nlohmann::json detail_operation(const Dataset& d, const Resource& r, const std::string& name,
                                const nlohmann::json& record) {
  nlohmann::json op =
      operation(d.id, "get" + name, "One record of " + d.title + ": " + r.id,
                "The record with this " + r.id_field + "." + purposes_text(r), true);
  const Field* id = r.field(r.id_field);
  nlohmann::json id_param = path_parameter(r.id_field, id ? id->definition : "Record id.");
  if (id != nullptr) id_param["schema"] = value_schema(*id);
  op["parameters"] = nlohmann::json::array(
      {id_param, ref_parameter("ProcessingPurpose"),
       query_parameter("fields",
                       "Comma-separated fields to return. Fields: " + field_names(r, false) + ".",
                       {{"type", "string"}})});
  op["responses"].update(
      data_responses(record, "The record.", {400, 401, 403, 404, 429, 502, 503, 504}));
  return op;
}

}  // namespace

void add_data_paths(const CatalogModel& model, nlohmann::json& paths, nlohmann::json& schemas) {
  for (const auto& d : model.datasets) {
    for (const auto& r : d.resources) {
      const std::string name =
          d.id == r.id ? pascal_case(d.id) : pascal_case(d.id) + pascal_case(r.id);
      schemas[name] = to_openapi_schema(r.schema, name, schemas);
      const nlohmann::json record = ref_schema(name);
      const std::string base = "/datasets/" + d.id + "/" + r.id;
      paths[base]["get"] = list_operation(d, r, name, record);
      paths[base + "/search"]["post"] = search_operation(d, r, name, record);
      if (r.detail_in_uri()) {
        paths[base + "/{" + r.id_field + "}"]["get"] = detail_operation(d, r, name, record);
      }
    }
  }
}

}  // namespace bronpoort::catalog::openapi
