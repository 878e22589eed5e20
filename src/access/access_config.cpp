#include <bronpoort/access/access_config.hpp>
#include <bronpoort/access/purpose_register.hpp>
#include <bronpoort/core/result.hpp>

#include "strict_json.hpp"

namespace bronpoort::access {

Result<AccessConfig, ConfigErrors> load_access_config(const nlohmann::json& section,
                                                      const std::filesystem::path& gateway_file) {
  ConfigErrors errors;
  const auto file = gateway_file.string();
  AccessConfig config;
  StrictObject s(section, "/access", file, errors);
  if (!s.ok()) return errors;
  s.reject_unknown({"purposes", "grantValidityDays", "maxRequestBodyBytes"});
  auto dir = s.string("purposes", false).value_or("purposes");
  config.purposes_dir = gateway_file.parent_path() / dir;
  if (auto days = s.integer("grantValidityDays", false, 1, 3650)) {
    config.grant_validity = std::chrono::days{*days};
  }
  if (auto bytes = s.integer("maxRequestBodyBytes", false, 1024, 1 << 20)) {
    config.max_request_body_bytes = static_cast<std::size_t>(*bytes);
  }
  if (!errors.empty()) return errors;
  auto loaded = load_purposes(config.purposes_dir);
  if (auto* errs = std::get_if<ConfigErrors>(&loaded)) return *errs;
  config.purposes = std::make_shared<const std::vector<Purpose>>(std::move(std::get<0>(loaded)));
  return config;
}

}  // namespace bronpoort::access
