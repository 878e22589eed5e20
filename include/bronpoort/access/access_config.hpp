#pragma once
// The `access` section of gateway.json, parsed once into const typed config (the `store` section
// is read by common::read_store_config).
//
//   "access": {"purposes": "purposes", "grantValidityDays": 365, "maxRequestBodyBytes": 16384}
//
// Paths are relative to the directory of the gateway config file. Unknown keys are errors.

#include <bronpoort/access/access_store.hpp>
#include <bronpoort/access/policy_snapshot.hpp>
#include <bronpoort/core/config_error.hpp>
#include <bronpoort/core/result.hpp>

#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <variant>

namespace bronpoort::access {

struct AccessConfig {
  std::filesystem::path purposes_dir;
  PurposeList purposes;                        // the loaded, validated purpose register
  std::chrono::days grant_validity{365};       // lifetime of a new grant (capped by the purpose)
  std::size_t max_request_body_bytes = 16384;  // bodies of the access endpoints
};

// `gateway_file` is the path of gateway.json: errors name it with pointers under /access, and
// purpose files are reported by their own path.
Result<AccessConfig, ConfigErrors> load_access_config(const nlohmann::json& section,
                                                      const std::filesystem::path& gateway_file);

}  // namespace bronpoort::access
