// `bronpoort verify-log --config FILE` against a real gateway.json layout: exit status and output.

#include "log_test_support.hpp"

#include <bronpoort/processing_log/group_commit_writer.hpp>
#include <bronpoort/processing_log/verify_command.hpp>

#include <gtest/gtest.h>

#include <sqlite3.h>

#include <fstream>

namespace bronpoort::processing_log {
namespace {

using namespace std::chrono_literals;

class VerifyCommand : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::temp_path("verify-cli");
    std::filesystem::create_directories(dir_ / "keys");
    auto keys = std::filesystem::path(BRONPOORT_SOURCE_DIR) / "config/keys";
    std::filesystem::copy_file(keys / "demo-log-checkpoint-ed25519.pem",
                               dir_ / "keys/demo-log-checkpoint-ed25519.pem");
    std::filesystem::copy_file(keys / "demo-log-checkpoint-ed25519.pub.pem",
                               dir_ / "keys/demo-log-checkpoint-ed25519.pub.pem");
    // Only the store and the public key: an auditor verifies without the writing secrets.
    nlohmann::json gateway = {
        {"store", {{"kind", "sqlite"}, {"path", "var/log.db"}}},
        {"processingLog",
         {{"pseudonymKeyId", "k1"},
          {"checkpointPublicKeyFile", "keys/demo-log-checkpoint-ed25519.pub.pem"}}}};
    std::ofstream(dir_ / "gateway.json") << gateway.dump(2);
    std::string error;
    std::shared_ptr<const CheckpointSigner> signer = CheckpointSigner::from_pem_file(
        dir_ / "keys/demo-log-checkpoint-ed25519.pem", "demo", error);
    WriterOptions options;
    options.checkpoint_every_records = 2;
    GroupCommitWriter writer(open_sqlite_store((dir_ / "var/log.db").string()), signer, options);
    for (int i = 0; i < 6; ++i) {
      ASSERT_TRUE(writer.append({testing::sample_record()}, 5s).get().durable);
    }
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  int run(std::vector<std::string> args) {
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    return run_verify_log_command(static_cast<int>(argv.size()), argv.data());
  }

  std::filesystem::path dir_;
};

TEST_F(VerifyCommand, IntactLogExitsZero) {
  ::testing::internal::CaptureStdout();
  EXPECT_EQ(run({"verify-log", "--config", (dir_ / "gateway.json").string()}), 0);
  auto out = ::testing::internal::GetCapturedStdout();
  EXPECT_NE(out.find("OK (6 records, 3 signed checkpoints verified)"), std::string::npos) << out;
}

TEST_F(VerifyCommand, BrokenLogExitsOneAndNamesTheSeq) {
  // Drop the triggers and alter record 3, as someone holding the file could.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((dir_ / "var/log.db").c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db,
                         "DROP TRIGGER processing_log_no_update; "
                         "UPDATE processing_log SET organisation = 'someone-else' WHERE seq = 3",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  ::testing::internal::CaptureStdout();
  EXPECT_EQ(run({"verify-log", "--config", (dir_ / "gateway.json").string(), "--json"}), 1);
  auto report = nlohmann::json::parse(::testing::internal::GetCapturedStdout());
  EXPECT_EQ(report["ok"], false);
  EXPECT_EQ(report["chains"][0]["firstBrokenSeq"], 3);
}

TEST_F(VerifyCommand, BadUsageAndConfigExitTwo) {
  EXPECT_EQ(run({"verify-log"}), 2);
  EXPECT_EQ(run({"verify-log", "--config", (dir_ / "missing.json").string()}), 2);
  std::ofstream(dir_ / "bad.json") << R"({"store": {"kind": "oracle"}, "processingLog": {}})";
  EXPECT_EQ(run({"verify-log", "--config", (dir_ / "bad.json").string()}), 2);
}

}  // namespace
}  // namespace bronpoort::processing_log
