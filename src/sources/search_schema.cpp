#include "search_schema.hpp"

#include "query_builder.hpp"

#include <bronpoort/schema/bundled.hpp>
#include <bronpoort/schema/validator.hpp>

namespace bronpoort::sources {
namespace {

using nlohmann::json;

json value_schema(const Field& f) {
  switch (f.type) {
    case FieldType::String: {
      json s = {{"type", "string"}, {"maxLength", kMaxFilterValueLength}};
      if (f.is_date) s["format"] = "date";
      return s;
    }
    case FieldType::Integer:
      return {{"type", "integer"}};
    case FieldType::Number:
      return {{"type", "number"}};
    case FieldType::Boolean:
      return {{"type", "boolean"}};
  }
  return json::object();
}

// The operators that apply to a field, each with the schema of its operand.
json operators(const Field& f) {
  json ops = {{"eq", value_schema(f)},
              {"in",
               {{"type", "array"},
                {"minItems", 1},
                {"maxItems", kMaxInValues},
                {"items", value_schema(f)}}}};
  if (f.type != FieldType::Boolean) {
    for (const char* op : {"gt", "gte", "lt", "lte"}) ops[op] = value_schema(f);
  }
  if (f.type == FieldType::String) ops["startsWith"] = value_schema(f);
  return ops;
}

// An array whose items must be one of `names`; no item at all when there is none.
json names_array(const json& names) {
  if (names.empty()) return {{"maxItems", 0}};
  return {{"items", {{"enum", names}}}};
}

}  // namespace

json search_body_schema(const std::string& dataset, const Resource& resource) {
  json filters = json::object();
  json sortable = json::array();
  json selectable = json::array();
  for (const auto& f : resource.fields) {
    selectable.push_back(f.name);
    if (f.sortable) {
      sortable.push_back(f.name);
      sortable.push_back("-" + f.name);
    }
    if (f.filterable) {
      filters[f.name] = {{"properties", operators(f)}, {"additionalProperties", false}};
    }
  }
  return {{"$schema", "https://json-schema.org/draft/2020-12/schema"},
          {"$id", std::string(schema::kBundledBaseUri) + "requests/search/" + dataset + "/" +
                      resource.id + ".json"},
          {"title", "Search body for " + dataset + "/" + resource.id},
          {"$ref", "../../search.schema.json"},
          {"properties",
           {{"filters", {{"properties", filters}, {"additionalProperties", false}}},
            {"sort", names_array(sortable)},
            {"fields", names_array(selectable)},
            {"pageSize", {{"maximum", resource.max_page_size}}}}}};
}

void compile_search_schemas(Registry& registry, ConfigErrors& errors) {
  schema::SchemaRegistry refs;
  schema::add_bundled_documents(refs);
  schema::Compiler compiler(refs, schema::own_schema_options());
  for (auto& dataset : registry.datasets) {
    for (auto& resource : dataset.resources) {
      json doc = search_body_schema(dataset.id, resource);
      auto compiled = compiler.compile(doc, doc["$id"].get<std::string>());
      if (!compiled) {
        for (const auto& e : compiled.errors()) {
          errors.push_back({registry.organisation_of(dataset).file, "",
                            "the search schema of " + dataset.id + "/" + resource.id +
                                " does not compile: " + e.to_string()});
        }
        continue;
      }
      resource.search_schema = compiled.schema();
    }
  }
}

}  // namespace bronpoort::sources
