#include <bronpoort/access/access_config.hpp>
#include <bronpoort/access/purpose_register.hpp>

#include "strict_json.hpp"

namespace bronpoort::access {

std::variant<AccessConfig, ConfigErrors> load_access_config(
    const nlohmann::json& section, const std::filesystem::path& gateway_file) {
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

std::variant<StoreConfig, ConfigErrors> load_store_config(
    const nlohmann::json& section, const std::filesystem::path& gateway_file) {
  ConfigErrors errors;
  const auto file = gateway_file.string();
  StoreConfig config;
  StrictObject s(section, "/store", file, errors);
  if (!s.ok()) return errors;
  s.reject_unknown({"kind", "path", "dsn"});
  auto kind = s.string("kind", true);
  if (kind == "sqlite") {
    config.kind = StoreConfig::Kind::Sqlite;
    if (auto path = s.string("path", true)) config.path = gateway_file.parent_path() / *path;
    if (s.member("dsn", false)) s.error(s.at("dsn"), "only for kind 'postgres'");
  } else if (kind == "postgres") {
    config.kind = StoreConfig::Kind::Postgres;
    if (auto dsn = s.string("dsn", true)) config.dsn = *dsn;
    if (s.member("path", false)) s.error(s.at("path"), "only for kind 'sqlite'");
  } else if (kind) {
    s.error(s.at("kind"), "must be 'sqlite' or 'postgres'");
  }
  if (!errors.empty()) return errors;
  return config;
}

}  // namespace bronpoort::access
