#pragma once
// The JSON schema a search body for one resource must satisfy, built from the resource's
// registration: the shape every search shares (schemas/requests/search.schema.json) plus this
// resource's filterable fields with their value types and applicable operators, its sortable and
// selectable fields, and its page-size limit. Compiled once at load and checked before the query
// is parsed, so a body that breaks it never reaches a source.

#include <bronpoort/sources/registry.hpp>

#include <nlohmann/json.hpp>

#include <string>

namespace bronpoort::sources {

nlohmann::json search_body_schema(const std::string& dataset, const Resource& resource);

// Compiles search_body_schema for every resource of `registry`; a failure is a config error.
void compile_search_schemas(Registry& registry, ConfigErrors& errors);

}  // namespace bronpoort::sources
