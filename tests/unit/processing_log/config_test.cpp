#include <bronpoort/processing_log/config.hpp>

#include <gtest/gtest.h>

#include <bronpoort/core/result.hpp>
#include <cstdlib>
#include <set>

namespace bronpoort::processing_log {
namespace {

const std::filesystem::path kConfigDir = std::filesystem::path(BRONPOORT_SOURCE_DIR) / "config";

nlohmann::json demo_section() {
  return {{"chainId", "gw-a"},
          {"pseudonymKeyId", "demo-2026"},
          {"pseudonymKeyEnv", "BRONPOORT_TEST_UNSET_KEY"},
          {"pseudonymKeyFile", "keys/demo-pseudonym.key"},
          {"checkpointKeyFile", "keys/demo-log-checkpoint-ed25519.pem"},
          {"checkpointKeyId", "demo"},
          {"checkpointPublicKeyFile", "keys/demo-log-checkpoint-ed25519.pub.pem"},
          {"maxBatchRecords", 64},
          {"commitTimeoutMs", 1500}};
}

ConfigErrors errors_of(const Result<ProcessingLogConfig, ConfigErrors>& r) {
  return std::holds_alternative<ConfigErrors>(r) ? std::get<ConfigErrors>(r) : ConfigErrors{};
}

TEST(ProcessingLogConfig, LoadsDemoConfigWithKeysAndResolvedPaths) {
  auto r = load_config(demo_section(), {{"kind", "sqlite"}, {"path", "var/log.db"}}, kConfigDir);
  ASSERT_TRUE(std::holds_alternative<ProcessingLogConfig>(r)) << errors_of(r).at(0).to_string();
  const auto& c = std::get<ProcessingLogConfig>(r);
  EXPECT_EQ(c.writer.chain_id, "gw-a");
  EXPECT_EQ(c.writer.max_batch_records, 64u);
  EXPECT_EQ(c.commit_timeout, std::chrono::milliseconds(1500));
  EXPECT_EQ(c.store.sqlite_path, (kConfigDir / "var/log.db").string());
  EXPECT_GE(c.pseudonym_key.size(), 32u);
  ASSERT_TRUE(c.signer);
  ASSERT_TRUE(c.verifier);
  Checkpoint cp{"gw-a", 1, std::string(64, 'a'), 1, {}, {}};
  c.signer->sign(cp);
  EXPECT_TRUE(c.verifier->verify(cp));
}

TEST(ProcessingLogConfig, EnvironmentKeyWinsOverDemoFile) {
  auto section = demo_section();
  section["pseudonymKeyEnv"] = "BRONPOORT_TEST_PSEUDONYM_KEY";
  ::setenv("BRONPOORT_TEST_PSEUDONYM_KEY", "production-key-0123456789abcdef0123456789", 1);
  auto r = load_config(section, {{"kind", "sqlite"}, {"path", "x.db"}}, kConfigDir);
  ::unsetenv("BRONPOORT_TEST_PSEUDONYM_KEY");
  ASSERT_TRUE(std::holds_alternative<ProcessingLogConfig>(r));
  EXPECT_EQ(std::get<ProcessingLogConfig>(r).pseudonym_key,
            "production-key-0123456789abcdef0123456789");
}

TEST(ProcessingLogConfig, ReportsEveryProblemWithItsPointer) {
  auto section = demo_section();
  section["maxBatchRecords"] = 0;
  section["colour"] = "blue";
  section["checkpointKeyFile"] = "keys/missing.pem";
  section.erase("pseudonymKeyFile");
  auto errors = errors_of(load_config(section, {{"kind", "mysql"}}, kConfigDir, "gateway.json"));
  std::set<std::string> pointers;
  for (const auto& e : errors) {
    EXPECT_EQ(e.file, "gateway.json");
    pointers.insert(e.pointer);
  }
  EXPECT_TRUE(pointers.count("/processingLog/maxBatchRecords"));
  EXPECT_TRUE(pointers.count("/processingLog/colour"));
  EXPECT_TRUE(pointers.count("/processingLog/checkpointKeyFile"));
  EXPECT_TRUE(pointers.count("/processingLog/pseudonymKeyEnv"));
  EXPECT_TRUE(pointers.count("/store/kind"));
}

TEST(ProcessingLogConfig, PostgresStoreNeedsDsn) {
  auto errors = errors_of(load_config(demo_section(), {{"kind", "postgres"}}, kConfigDir));
  ASSERT_EQ(errors.size(), 1u);
  // A missing member is reported at its object, as everywhere in the config (common::JsonReader).
  EXPECT_EQ(errors[0].pointer, "/store");
  EXPECT_EQ(errors[0].reason, "missing required member \"dsn\"");
  auto ok = load_config(demo_section(), {{"kind", "postgres"}, {"dsn", "host=db"}}, kConfigDir);
  ASSERT_TRUE(std::holds_alternative<ProcessingLogConfig>(ok));
  EXPECT_EQ(std::get<ProcessingLogConfig>(ok).store.postgres_dsn, "host=db");
}

TEST(ProcessingLogConfig, ShortPseudonymKeyIsRefused) {
  auto section = demo_section();
  section["pseudonymKeyEnv"] = "BRONPOORT_TEST_SHORT_KEY";
  ::setenv("BRONPOORT_TEST_SHORT_KEY", "short", 1);
  auto errors = errors_of(load_config(section, {{"kind", "sqlite"}, {"path", "x.db"}}, kConfigDir));
  ::unsetenv("BRONPOORT_TEST_SHORT_KEY");
  ASSERT_FALSE(errors.empty());
}

}  // namespace
}  // namespace bronpoort::processing_log
