#pragma once
// Building blocks shared by the OpenAPI generator's files: responses that always carry the
// API-Version header, problem responses, parameters, and the fixed endpoints' descriptions.

#include <bronpoort/catalog/catalog_model.hpp>

#include <nlohmann/json.hpp>

#include <initializer_list>
#include <string>
#include <vector>

namespace bronpoort::catalog::openapi {

// One described fixed endpoint. `path` is the router's template including /v1.
struct Operation {
  std::string method;  // upper case
  std::string path;
  nlohmann::json operation;
};

// A 2xx/3xx response with the API-Version header (NL API Design Rules: version-header).
nlohmann::json ok_response(const std::string& description, const nlohmann::json& schema,
                           const std::string& media_type = "application/json");
// A 2xx/3xx response with extra headers besides API-Version.
nlohmann::json ok_response_with_headers(const std::string& description,
                                        const nlohmann::json& schema, nlohmann::json headers,
                                        const std::string& media_type = "application/json");
// References to the shared problem+json responses for the given statuses.
nlohmann::json with_problems(nlohmann::json responses, std::initializer_list<int> statuses);

// {"type": "string"}, with its description when one is given.
nlohmann::json str(const std::string& description = {});
nlohmann::json ref_schema(const std::string& name);
nlohmann::json ref_parameter(const std::string& name);
nlohmann::json path_parameter(const std::string& name, const std::string& description);
nlohmann::json query_parameter(const std::string& name, const std::string& description,
                               nlohmann::json schema);
nlohmann::json json_body(const nlohmann::json& schema, const std::string& description);

// An operation object. `authenticated` adds the 401 response; public operations get an empty
// security requirement, so the document says they need no token.
nlohmann::json operation(const std::string& tag, const std::string& operation_id,
                         const std::string& summary, const std::string& description,
                         bool authenticated);

// components: securitySchemes, headers, parameters, responses and the shared schemas.
nlohmann::json components();

// The fixed endpoints, per owning stage.
std::vector<Operation> access_operations();
std::vector<Operation> processing_log_operations();
std::vector<Operation> processing_log_proof_operations();  // part of processing_log_operations
std::vector<Operation> catalog_operations();
std::vector<Operation> linkage_operations();
// Schemas for the fixed endpoints' bodies, added to components.schemas.
nlohmann::json access_schemas();
nlohmann::json processing_log_schemas();
nlohmann::json processing_log_proof_schemas();  // part of processing_log_schemas
nlohmann::json catalog_schemas();
nlohmann::json linkage_schemas();

// Adds the data paths (list, search, detail) of every resource in `model` to `paths`, and their
// record schemas to `schemas`.
void add_data_paths(const CatalogModel& model, nlohmann::json& paths, nlohmann::json& schemas);

}  // namespace bronpoort::catalog::openapi
