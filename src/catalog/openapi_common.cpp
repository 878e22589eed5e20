// Shared parts of the OpenAPI document: every success response names the API-Version header and
// every error is application/problem+json with status, title and detail, as the NL API Design
// Rules linter checks.

#include "openapi_parts.hpp"

#include <map>

namespace bronpoort::catalog::openapi {
namespace {

struct ProblemResponse {
  const char* component;
  const char* description;
};

const std::map<int, ProblemResponse>& problem_responses() {
  static const std::map<int, ProblemResponse> responses = {
      {400, {"BadRequest", "The request is malformed: invalidParams names each mistake."}},
      {401,
       {"Unauthorized", "No valid bearer token (missing, expired, wrong issuer or audience)."}},
      {403,
       {"Forbidden",
        "Refused: the role, purpose or grant does not cover this request. The detail says which "
        "access request would give access."}},
      {404, {"NotFound", "No such resource."}},
      {406, {"NotAcceptable", "None of the media types in Accept can be produced."}},
      {409, {"Conflict", "The resource is not in a state that allows this change."}},
      {413, {"PayloadTooLarge", "The request body is larger than this endpoint accepts."}},
      {422,
       {"UnprocessableEntity",
        "The request is well-formed but cannot be carried out as asked, e.g. it would process "
        "more records than allowed."}},
      {429,
       {"TooManyRequests",
        "Your organisation has too many requests in flight; retry after the Retry-After delay."}},
      {502, {"BadGateway", "The source answered with an error or with data outside its schema."}},
      {503,
       {"ServiceUnavailable",
        "The gateway cannot serve the request now (e.g. the processing log cannot be written, so "
        "no data may leave)."}},
      {504, {"GatewayTimeout", "The source did not answer in time."}},
  };
  return responses;
}

nlohmann::json problem_schema() {
  return {
      {"type", "object"},
      {"description", "RFC 9457 problem details, with a stable machine-readable code."},
      {"required", {"status", "title", "detail", "code"}},
      {"properties",
       {{"type",
         {{"type", "string"}, {"format", "uri"}, {"description", "Identifies the problem type."}}},
        {"title",
         {{"type", "string"}, {"description", "Short summary, the same for every occurrence."}}},
        {"status", {{"type", "integer"}, {"format", "int32"}, {"minimum", 100}, {"maximum", 599}}},
        {"detail",
         {{"type", "string"},
          {"description", "What happened and what the caller can do about it."}}},
        {"code",
         {{"type", "string"}, {"description", "Stable machine code, e.g. purpose-missing."}}},
        {"instance", {{"type", "string"}, {"description", "The request path."}}},
        {"traceId", {{"type", "string"}, {"description", "W3C trace id to quote to an operator."}}},
        {"invalidParams",
         {{"type", "array"},
          {"items",
           {{"type", "object"},
            {"required", {"name", "reason"}},
            {"properties",
             {{"name", {{"type", "string"}}},
              {"reason", {{"type", "string"}}},
              {"code", {{"type", "string"}}}}}}}}}}}};
}

}  // namespace

nlohmann::json ok_response(const std::string& description, const nlohmann::json& schema,
                           const std::string& media_type) {
  return ok_response_with_headers(description, schema, nlohmann::json::object(), media_type);
}

nlohmann::json ok_response_with_headers(const std::string& description,
                                        const nlohmann::json& schema, nlohmann::json headers,
                                        const std::string& media_type) {
  headers["API-Version"] = {{"$ref", "#/components/headers/ApiVersion"}};
  nlohmann::json r = {{"description", description}, {"headers", headers}};
  if (!schema.is_null()) r["content"] = {{media_type, {{"schema", schema}}}};
  return r;
}

nlohmann::json with_problems(nlohmann::json responses, std::initializer_list<int> statuses) {
  for (int status : statuses) {
    responses[std::to_string(status)] = {{"$ref", std::string("#/components/responses/") +
                                                      problem_responses().at(status).component}};
  }
  return responses;
}

nlohmann::json str(const std::string& description) {
  nlohmann::json s = {{"type", "string"}};
  if (!description.empty()) s["description"] = description;
  return s;
}

nlohmann::json ref_schema(const std::string& name) {
  return {{"$ref", "#/components/schemas/" + name}};
}

nlohmann::json ref_parameter(const std::string& name) {
  return {{"$ref", "#/components/parameters/" + name}};
}

nlohmann::json path_parameter(const std::string& name, const std::string& description) {
  return {{"name", name},
          {"in", "path"},
          {"required", true},
          {"description", description},
          {"schema", {{"type", "string"}}}};
}

nlohmann::json query_parameter(const std::string& name, const std::string& description,
                               nlohmann::json schema) {
  return {{"name", name},
          {"in", "query"},
          {"required", false},
          {"description", description},
          {"schema", std::move(schema)}};
}

nlohmann::json json_body(const nlohmann::json& schema, const std::string& description) {
  return {{"required", true},
          {"description", description},
          {"content", {{"application/json", {{"schema", schema}}}}}};
}

nlohmann::json operation(const std::string& tag, const std::string& operation_id,
                         const std::string& summary, const std::string& description,
                         bool authenticated) {
  nlohmann::json op = {{"tags", {tag}},
                       {"operationId", operation_id},
                       {"summary", summary},
                       {"description", description}};
  // Public operations override the document-wide bearer requirement with "no requirement".
  op["security"] = authenticated
                       ? nlohmann::json::array({{{"bearerAuth", nlohmann::json::array()}}})
                       : nlohmann::json::array({nlohmann::json::object()});
  op["responses"] =
      authenticated ? with_problems(nlohmann::json::object(), {401}) : nlohmann::json::object();
  return op;
}

nlohmann::json components() {
  nlohmann::json responses = nlohmann::json::object();
  for (const auto& [status, r] : problem_responses()) {
    responses[r.component] = {
        {"description", r.description},
        {"headers", {{"API-Version", {{"$ref", "#/components/headers/ApiVersion"}}}}},
        {"content", {{"application/problem+json", {{"schema", ref_schema("Problem")}}}}}};
  }
  nlohmann::json schemas = {{"Problem", problem_schema()}};
  for (const auto& extra :
       {access_schemas(), processing_log_schemas(), catalog_schemas(), linkage_schemas()}) {
    schemas.update(extra);
  }
  return {
      {"securitySchemes",
       {{"bearerAuth",
         {{"type", "http"},
          {"scheme", "bearer"},
          {"bearerFormat", "JWT"},
          {"description",
           "JWT (RS256, ES256 or EdDSA) from a trusted issuer, with claims sub, org (OIN), roles "
           "and optionally purposes."}}}}},
      {"headers",
       {{"ApiVersion",
         {{"description", "The full semantic version of this API."},
          {"schema", {{"type", "string"}, {"example", "1.0.0"}}}}}}},
      {"parameters",
       {{"ProcessingPurpose",
         {{"name", "Processing-Purpose"},
          {"in", "header"},
          {"required", true},
          {"description",
           "Id of the purpose (doelbinding) this request serves; see GET /v1/purposes. It must "
           "allow your role and be covered by a grant for your organisation."},
          {"schema",
           {{"type", "string"}, {"pattern", "^[a-z0-9]+(-[a-z0-9]+)*$"}, {"maxLength", 64}}}}}}},
      {"responses", responses},
      {"schemas", schemas}};
}

}  // namespace bronpoort::catalog::openapi
