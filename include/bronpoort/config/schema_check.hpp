#pragma once
// Checks a config document against the schema Bronpoort ships for it (schemas/*.schema.json,
// compiled into the binary), reporting every violation as a ConfigError: the file, the JSON
// pointer into it, and the reason with the schema location that failed.

#include <bronpoort/core/config_error.hpp>

#include <nlohmann/json_fwd.hpp>

#include <string>
#include <string_view>

namespace bronpoort::config {

// `schema_name` is the file under schemas/, e.g. "gateway.schema.json". Returns true when the
// document conforms; otherwise appends one error per violation to `errors`.
bool check_against_schema(std::string_view schema_name, const nlohmann::json& document,
                          const std::string& file, ConfigErrors& errors);

}  // namespace bronpoort::config
