#pragma once
// The schemas Bronpoort ships: schemas/*.schema.json (gateway, source and purpose files) and
// schemas/requests/*.schema.json (request bodies), compiled into the binary at build time and
// compiled as JSON Schema once, on first use. Each is registered under
// https://bronpoort.example.nl/schemas/<name>, so they may reference each other.
//
//   const auto& gateway = bundled_schema("gateway.schema.json");
//   auto result = gateway.validate(document, ValidationMode::kAllErrors);

#include <bronpoort/core/problem.hpp>
#include <bronpoort/schema/validator.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bronpoort::schema {

inline constexpr std::string_view kBundledBaseUri = "https://bronpoort.example.nl/schemas/";

// How Bronpoort compiles the schemas it checks its own data against: the bundled ones, a
// resource's record schema and its search body schema. `format` is asserted in every dialect
// (2020-12 alone would make it an annotation), because those schemas rely on date, uuid and email
// checks. Every such compile goes through these options.
CompileOptions own_schema_options();

// The compiled schema named by its path under schemas/. An unknown name or a bundled schema that
// does not compile is a build defect: std::logic_error (the unit tests compile every one).
const CompiledSchema& bundled_schema(std::string_view name);

// Every bundled schema's name, sorted.
std::vector<std::string> bundled_schema_names();

// Registers every bundled document in `registry`, so schemas built at run time (a resource's
// search body) can reference them.
void add_bundled_documents(SchemaRegistry& registry);

// The bundled document itself (for publishing, e.g. in the OpenAPI document); nullptr if unknown.
const nlohmann::json* bundled_schema_document(std::string_view name);

// The violation's reason, followed by the `description` of the bundled schema object whose
// pattern, format, enum, const or not failed, when it has one: "string does not match pattern
// /^[0-9]{20}$/ (the 20-digit OIN ...)". A pattern alone rarely tells a reader what to write
// instead.
std::string explained_reason(const ValidationError& error);

// Checks a request body against `schema`, reporting every violation: nullopt when the body
// conforms, otherwise 400 `invalid-request` with one invalidParams entry per violation (name: the
// JSON pointer into the body, reason: what is wrong, code: the failing JSON Schema keyword).
// `what` names the body in the detail, e.g. "access request".
std::optional<Problem> check_request_body(const CompiledSchema& schema, const nlohmann::json& body,
                                          std::string_view what);

}  // namespace bronpoort::schema
