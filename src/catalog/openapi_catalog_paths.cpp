// Descriptions of the publication point's own endpoints: the dataset catalog and this document.

#include "openapi_parts.hpp"

namespace bronpoort::catalog::openapi {
namespace {

nlohmann::json cache_and_cors_headers() {
  return {
      {"Cache-Control", {{"description", "Public metadata: may be cached."}, {"schema", str()}}},
      {"Access-Control-Allow-Origin",
       {{"description", "Any origin may read it."}, {"schema", str()}}}};
}

nlohmann::json catalog_content(const std::string& schema, const std::string& dcat_schema) {
  return {{"application/json", {{"schema", ref_schema(schema)}}},
          {"application/ld+json", {{"schema", ref_schema(dcat_schema)}}}};
}

}  // namespace

nlohmann::json catalog_schemas() {
  nlohmann::json links = {{"type", "object"}, {"additionalProperties", str()}};
  nlohmann::json organisation = {
      {"type", "object"},
      {"properties",
       {{"name", str()},
        {"oin", str()},
        {"contact",
         {{"type", "object"},
          {"properties", {{"name", str()}, {"email", str()}, {"url", str()}}}}}}}};
  return {
      {"DatasetSummary",
       {{"type", "object"},
        {"properties",
         {{"id", str()},
          {"title", str()},
          {"description", str()},
          {"category",
           {{"type", "string"}, {"enum", {"person", "business", "location", "sensor"}}}},
          {"organisation", organisation},
          {"resources", {{"type", "array"}, {"items", str()}}},
          {"links", links}}}}},
      {"DatasetList",
       {{"type", "object"},
        {"required", nlohmann::json::array({"datasets"})},
        {"properties",
         {{"datasets", {{"type", "array"}, {"items", ref_schema("DatasetSummary")}}}}}}},
      {"Dataset",
       {{"type", "object"},
        {"description",
         "Title, description, owner, category, license, resources with field definitions, "
         "quality notes, relations (as links) and the purposes covering each resource with their "
         "legal basis, and how to request access."},
        {"properties",
         {{"id", str()},
          {"title", str()},
          {"description", str()},
          {"category", str()},
          {"license", str()},
          {"owner", str()},
          {"organisation", organisation},
          {"resources",
           {{"type", "array"}, {"items", {{"type", "object"}, {"additionalProperties", true}}}}},
          {"access", {{"type", "object"}, {"additionalProperties", true}}},
          {"links", links}}}}},
      {"DcatDocument",
       {{"type", "object"},
        {"description", "DCAT-AP 2 in JSON-LD: a dcat:Catalog or a dcat:Dataset with @context."},
        {"additionalProperties", true}}},
      {"OpenApiDocument", {{"type", "object"}, {"additionalProperties", true}}},
  };
}

std::vector<Operation> catalog_operations() {
  std::vector<Operation> ops;
  auto list =
      operation("catalog", "listDatasets", "The dataset catalog",
                "Every registered dataset; DCAT-AP JSON-LD with Accept: application/ld+json. "
                "Public.",
                false);
  list["parameters"] = nlohmann::json::array(
      {query_parameter(
           "category", "Only datasets in this category.",
           {{"type", "string"}, {"enum", {"person", "business", "location", "sensor"}}}),
       query_parameter("organisation",
                       "Only datasets of this organisation (OIN or part of the name).", str()),
       query_parameter("q",
                       "Words that must all occur in the title, description or field definitions.",
                       str())});
  nlohmann::json ok =
      ok_response_with_headers("The matching datasets.", nullptr, cache_and_cors_headers());
  ok["content"] = catalog_content("DatasetList", "DcatDocument");
  list["responses"] = with_problems({{"200", ok}}, {400});
  ops.push_back({"GET", "/v1/datasets", list});

  auto one = operation("catalog", "getDataset", "One dataset and how to get access",
                       "Everything known about the dataset; DCAT-AP JSON-LD with Accept: "
                       "application/ld+json. Public.",
                       false);
  one["parameters"] = nlohmann::json::array({path_parameter("dataset", "Dataset id.")});
  nlohmann::json found =
      ok_response_with_headers("The dataset.", nullptr, cache_and_cors_headers());
  found["content"] = catalog_content("Dataset", "DcatDocument");
  one["responses"] = with_problems({{"200", found}}, {400, 404});
  ops.push_back({"GET", "/v1/datasets/{dataset}", one});

  auto doc = operation("catalog", "getOpenApi", "This document",
                       "The OpenAPI 3.0 description of the whole gateway, generated from its "
                       "configuration. Public, readable from any origin.",
                       false);
  doc["responses"]["200"] = ok_response_with_headers(
      "The OpenAPI document.", ref_schema("OpenApiDocument"), cache_and_cors_headers());
  ops.push_back({"GET", "/v1/openapi.json", doc});
  return ops;
}

}  // namespace bronpoort::catalog::openapi
