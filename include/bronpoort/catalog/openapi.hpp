#pragma once
// The gateway's OpenAPI 3.0.3 document, generated from the catalog model: one list, search and
// (where the id may travel in a URI) detail operation per registered resource, with filter
// parameters and record schemas from the resource's JSON schema, plus the hand-written
// descriptions of the gateway's fixed endpoints that the router actually serves. The document
// is meant to pass the NL API Design Rules linter (shared/standards/adr-linter.yaml).

#include <bronpoort/catalog/catalog_model.hpp>

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace bronpoort::catalog {

nlohmann::json generate_openapi(const CatalogModel& model);

// Converts a JSON Schema (draft 2020-12 or draft-07) to the OpenAPI 3.0 schema subset: type
// arrays with "null" become `nullable`, `const` an enum of one, numeric exclusive bounds the
// boolean form, `examples` one `example`; `$defs`/`definitions` move to components.schemas
// under `<prefix><Name>` and local `$ref`s point there ("#" to the record schema itself);
// keywords OpenAPI 3.0 lacks are dropped. `components_schemas` receives the moved definitions.
nlohmann::json to_openapi_schema(const nlohmann::json& schema, const std::string& prefix,
                                 nlohmann::json& components_schemas);

// The query parameter names a list endpoint accepts for one field, in the gateway's filter
// syntax: {"birthDate", "birthDateGt", "birthDateGte", ...}. Empty for fields that are not
// filterable or whose values may not travel in a URI.
std::vector<std::string> filter_parameter_names(const Field& field);

// The fixed (non-data) endpoints this generator can describe, e.g. {"GET", "/v1/grants"}.
const std::vector<EndpointSignature>& described_endpoints();

// The routes under /v1 that `document` does not describe: the completeness check over the
// router's route list, run at build and in tests. A `{name}` segment matches any segment, so a
// generic data route is covered by the concrete per-resource paths. Routes outside /v1
// (operations: /healthz, /readyz, /metrics) are not part of the API and are skipped.
std::vector<EndpointSignature> undocumented_routes(const nlohmann::json& document,
                                                   const std::vector<EndpointSignature>& routes);

// PascalCase of a kebab-case id ("sewage-surveillance" -> "SewageSurveillance"), for schema
// component names (the linter asks for UpperCamelCase).
std::string pascal_case(const std::string& id);
// "birthDate" + "Gte" style: the field with a capitalised suffix, lowerCamelCase as a whole.
bool is_lower_camel_case(const std::string& name);

}  // namespace bronpoort::catalog
