#include <bronpoort/common/json_reader.hpp>
#include <bronpoort/common/store_config.hpp>

namespace bronpoort::common {

std::optional<StoreConfig> read_store_config(const nlohmann::json& section,
                                             const std::filesystem::path& base_dir,
                                             const std::string& file, ConfigErrors& errors) {
  const auto before = errors.size();
  JsonReader r(section, file, "/store", errors);
  if (!r.ok()) return std::nullopt;
  StoreConfig config;
  auto kind = r.string("kind", true);
  if (kind == "sqlite") {
    config.kind = StoreConfig::Kind::Sqlite;
    if (auto path = r.string("path", true)) config.sqlite_path = base_dir / *path;
    if (r.any("dsn", false)) r.error("dsn", "only for kind 'postgres'");
    if (r.any("migrationDsn", false)) r.error("migrationDsn", "only for kind 'postgres'");
  } else if (kind == "postgres") {
    config.kind = StoreConfig::Kind::Postgres;
    if (auto dsn = r.string("dsn", true)) config.postgres_dsn = *dsn;
    if (auto dsn = r.string("migrationDsn", false)) {
      if (dsn->empty()) r.error("migrationDsn", "must not be empty");
      config.postgres_migration_dsn = *dsn;
    }
    if (r.any("path", false)) r.error("path", "only for kind 'sqlite'");
  } else if (kind) {
    r.error("kind", "must be 'sqlite' or 'postgres'");
  }
  r.finish();
  if (errors.size() != before) return std::nullopt;
  return config;
}

}  // namespace bronpoort::common
