#pragma once
// The `store` section of gateway.json, read once for everything kept in the gateway's store (the
// processing log, access requests and grants, the release ledger):
//
//   "store": {"kind": "sqlite", "path": "var/bronpoort.db"}
//   "store": {"kind": "postgres", "dsn": "host=... dbname=...", "migrationDsn": "..."}
//
// `kind` is required, and so is `path` (sqlite) or `dsn` (postgres); a member of the other kind is
// an error, as is any unknown member. `migrationDsn` is optional: a more privileged DSN that only
// the processing log uses to apply its migrations.

#include <bronpoort/core/config_error.hpp>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <optional>
#include <string>

namespace bronpoort::common {

struct StoreConfig {
  enum class Kind { Sqlite, Postgres } kind = Kind::Sqlite;
  std::filesystem::path sqlite_path;  // absolute when base_dir is: resolved against it
  std::string postgres_dsn;
  std::string postgres_migration_dsn;
};

// Reads `section` (reported under the pointer /store of `file`); a relative path is resolved
// against `base_dir`, the directory of the gateway config. Every problem is appended to `errors`;
// nothing is returned when there was one.
std::optional<StoreConfig> read_store_config(const nlohmann::json& section,
                                             const std::filesystem::path& base_dir,
                                             const std::string& file, ConfigErrors& errors);

}  // namespace bronpoort::common
