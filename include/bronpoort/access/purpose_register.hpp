#pragma once
// Loads the purpose register: every config/purposes/*.json file, checked strictly against
// schemas/purpose.schema.json (same errors: file, JSON pointer, reason; unknown keys are errors).

#include <bronpoort/access/purpose.hpp>
#include <bronpoort/core/config_error.hpp>
#include <bronpoort/core/result.hpp>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <functional>
#include <optional>
#include <variant>
#include <vector>

namespace bronpoort::access {

// Parses one purpose document. `file` is only used in error messages.
Result<Purpose, ConfigErrors> parse_purpose(const nlohmann::json& doc, const std::string& file);

// Loads every *.json file in `dir` (sorted by name). Each file's name must be `<id>.json` and ids
// must be unique. Returns all errors found, not just the first.
Result<std::vector<Purpose>, ConfigErrors> load_purposes(const std::filesystem::path& dir);

// The fields of dataset/resource as the sources registry defines them, or nullopt when the registry
// has no such resource. Provided by the lead from the sources registry.
using ResourceFieldsFn = std::function<std::optional<std::vector<std::string>>(
    const std::string& dataset, const std::string& resource)>;

// Cross-checks the register against the sources: every covered dataset, resource and field must
// exist, so a typo in a purpose is a config error and not a purpose that silently grants nothing.
// Errors point into the purpose's own file (/coverage/<dataset>/<resource>/<index>).
ConfigErrors check_coverage(const std::vector<Purpose>& purposes,
                            const ResourceFieldsFn& fields_of);

// Renders a purpose as the API shows it (GET /v1/purposes/{id}).
nlohmann::json purpose_to_json(const Purpose& p);

}  // namespace bronpoort::access
