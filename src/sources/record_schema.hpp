#pragma once
// Reads the fields of a resource from its record JSON schema: name, JSON type, date format,
// nullability. Only the subset the connectors and the query parser need; the full schema is kept
// for response validation.

#include <bronpoort/core/config_error.hpp>
#include <bronpoort/sources/registry.hpp>

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace bronpoort::sources {

// Fields of the object schema `schema` in property order, or errors (reported against `file`).
std::vector<Field> fields_from_schema(const nlohmann::json& schema, const std::string& file,
                                      ConfigErrors& errors);

}  // namespace bronpoort::sources
