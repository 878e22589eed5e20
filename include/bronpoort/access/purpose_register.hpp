#pragma once
// Loads the purpose register: every config/purposes/*.json file, checked strictly against
// schemas/purpose.schema.json (same errors: file, JSON pointer, reason; unknown keys are errors).

#include <bronpoort/access/purpose.hpp>
#include <bronpoort/core/config_error.hpp>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <variant>
#include <vector>

namespace bronpoort::access {

// Parses one purpose document. `file` is only used in error messages.
std::variant<Purpose, ConfigErrors> parse_purpose(const nlohmann::json& doc,
                                                  const std::string& file);

// Loads every *.json file in `dir` (sorted by name). Each file's name must be `<id>.json` and ids
// must be unique. Returns all errors found, not just the first.
std::variant<std::vector<Purpose>, ConfigErrors> load_purposes(const std::filesystem::path& dir);

// Renders a purpose as the API shows it (GET /v1/purposes/{id}).
nlohmann::json purpose_to_json(const Purpose& p);

}  // namespace bronpoort::access
