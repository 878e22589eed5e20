#include <bronpoort/common/store_config.hpp>

#include <gtest/gtest.h>

#include <fstream>

namespace bronpoort::common {
namespace {

struct Read {
  std::optional<StoreConfig> config;
  ConfigErrors errors;
};

Read read(const nlohmann::json& section, const std::filesystem::path& base = "/etc/bp") {
  Read r;
  r.config = read_store_config(section, base, "gateway.json", r.errors);
  return r;
}

bool has_error(const Read& r, const std::string& pointer) {
  for (const auto& e : r.errors) {
    if (e.pointer == pointer && e.file == "gateway.json") return true;
  }
  return false;
}

TEST(StoreConfig, SqlitePathResolvesAgainstTheConfigDirectory) {
  auto r = read({{"kind", "sqlite"}, {"path", "../var/b.db"}});
  ASSERT_TRUE(r.config) << r.errors.front().to_string();
  EXPECT_EQ(r.config->kind, StoreConfig::Kind::Sqlite);
  EXPECT_EQ(r.config->sqlite_path, std::filesystem::path("/etc/bp/../var/b.db"));
  auto absolute = read({{"kind", "sqlite"}, {"path", "/srv/b.db"}});
  ASSERT_TRUE(absolute.config);
  EXPECT_EQ(absolute.config->sqlite_path, std::filesystem::path("/srv/b.db"));
}

TEST(StoreConfig, PostgresWithAndWithoutMigrationDsn) {
  auto r = read({{"kind", "postgres"}, {"dsn", "host=db"}});
  ASSERT_TRUE(r.config);
  EXPECT_EQ(r.config->kind, StoreConfig::Kind::Postgres);
  EXPECT_EQ(r.config->postgres_dsn, "host=db");
  EXPECT_EQ(r.config->postgres_migration_dsn, "");
  auto m = read({{"kind", "postgres"}, {"dsn", "host=db"}, {"migrationDsn", "host=db user=owner"}});
  ASSERT_TRUE(m.config);
  EXPECT_EQ(m.config->postgres_migration_dsn, "host=db user=owner");
}

TEST(StoreConfig, ReportsEachProblemWithItsPointer) {
  EXPECT_TRUE(has_error(read(nullptr), "/store"));
  EXPECT_TRUE(has_error(read(nlohmann::json::array()), "/store"));
  EXPECT_TRUE(has_error(read(nlohmann::json::object()), "/store"));  // kind is required
  EXPECT_TRUE(has_error(read({{"kind", "mysql"}}), "/store/kind"));
  EXPECT_TRUE(has_error(read({{"kind", 7}}), "/store/kind"));
  EXPECT_TRUE(has_error(read({{"kind", "sqlite"}}), "/store"));  // path is required
  EXPECT_TRUE(has_error(read({{"kind", "sqlite"}, {"path", ""}}), "/store/path"));
  EXPECT_TRUE(has_error(read({{"kind", "postgres"}}), "/store"));  // dsn is required
  EXPECT_TRUE(has_error(read({{"kind", "postgres"}, {"dsn", ""}}), "/store/dsn"));
  EXPECT_TRUE(has_error(read({{"kind", "postgres"}, {"dsn", "x"}, {"migrationDsn", ""}}),
                        "/store/migrationDsn"));
}

TEST(StoreConfig, RefusesMembersOfTheOtherKindAndUnknownOnes) {
  auto mixed = read({{"kind", "postgres"}, {"dsn", "x"}, {"path", "y"}});
  EXPECT_FALSE(mixed.config);
  EXPECT_TRUE(has_error(mixed, "/store/path"));
  EXPECT_TRUE(has_error(read({{"kind", "sqlite"}, {"path", "y"}, {"dsn", "x"}}), "/store/dsn"));
  EXPECT_TRUE(has_error(read({{"kind", "sqlite"}, {"path", "y"}, {"migrationDsn", "x"}}),
                        "/store/migrationDsn"));
  auto unknown = read({{"kind", "sqlite"}, {"path", "y"}, {"colour", "red"}});
  EXPECT_FALSE(unknown.config);
  EXPECT_TRUE(has_error(unknown, "/store/colour"));
}

TEST(StoreConfig, TheShippedConfigReads) {
  std::ifstream in(std::filesystem::path(BRONPOORT_SOURCE_DIR) / "config/gateway.json");
  auto gateway = nlohmann::json::parse(in);
  auto r = read(gateway["store"], std::filesystem::path(BRONPOORT_SOURCE_DIR) / "config");
  ASSERT_TRUE(r.config);
  EXPECT_EQ(r.config->kind, StoreConfig::Kind::Sqlite);
  EXPECT_EQ(r.config->sqlite_path.filename(), "bronpoort.db");
}

}  // namespace
}  // namespace bronpoort::common
