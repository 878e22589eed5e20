// Someone with superuser access changes the log behind the gateway's back (switching the
// append-only triggers off). Verification must name the first broken sequence number.

#include "log_test_support.hpp"

#include <bronpoort/processing_log/group_commit_writer.hpp>
#include <bronpoort/processing_log/verifier.hpp>

#include <gtest/gtest.h>

namespace bronpoort::processing_log {
namespace {

std::filesystem::path demo_key(const char* name) {
  return std::filesystem::path(BRONPOORT_SOURCE_DIR) / "config/keys" / name;
}

class Tamper : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    db_ = testing::make_test_database(GetParam());
    if (!db_) GTEST_SKIP() << "no PostgreSQL test cluster";
    std::string error;
    signer_ =
        CheckpointSigner::from_pem_file(demo_key("demo-log-checkpoint-ed25519.pem"), "demo", error);
    ASSERT_TRUE(signer_) << error;
    verifier_ =
        CheckpointVerifier::from_pem_file(demo_key("demo-log-checkpoint-ed25519.pub.pem"), error);
    ASSERT_TRUE(verifier_) << error;
    store_ = db_->open();
    WriterOptions options;
    options.chain_id = "gw-1";
    options.checkpoint_every_records = 5;
    GroupCommitWriter writer(store_, signer_, options);
    // Ten commits of one record each: checkpoints after seq 5 and 10.
    for (int i = 0; i < 10; ++i) {
      auto r = testing::sample_record();
      r.http_status = 200 + i;
      ASSERT_TRUE(writer.append({r}, std::chrono::seconds(10)).get().durable);
    }
    store_->flush();  // the attacker edits the tables, so the records must be in them
  }

  ChainReport verify() {
    auto report = verify_log(*store_, verifier_.get());
    EXPECT_EQ(report.chains.size(), 1u);
    EXPECT_EQ(report.ok, report.chains.at(0).ok);
    return report.chains.at(0);
  }

  std::unique_ptr<testing::TestDatabase> db_;
  std::shared_ptr<const CheckpointSigner> signer_;
  std::unique_ptr<CheckpointVerifier> verifier_;
  std::shared_ptr<LogStore> store_;
};

TEST_P(Tamper, UntouchedLogVerifiesWithItsCheckpoints) {
  auto report = verify();
  EXPECT_TRUE(report.ok) << report.detail;
  EXPECT_EQ(report.records, 10);
  EXPECT_EQ(report.checkpoints, 2);
}

TEST_P(Tamper, AlteredRecordIsNamed) {
  db_->exec_bypassing_triggers("UPDATE processing_log SET purpose = 'other' WHERE seq = 4");
  auto report = verify();
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(report.first_broken_seq, 4);
  EXPECT_EQ(report.problem, "hash-mismatch");
}

TEST_P(Tamper, AlteredRecordWithRecomputedHashBreaksTheNextLink) {
  db_->exec_bypassing_triggers(
      "UPDATE processing_log SET hash = 'ffffffffffffffffffffffffffffffffffffffffffffffffffffffff"
      "ffffffff' WHERE seq = 7");
  auto report = verify();
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(report.first_broken_seq, 7);
}

TEST_P(Tamper, DeletedRecordIsNamedAsGap) {
  db_->exec_bypassing_triggers("DELETE FROM processing_log WHERE seq = 3");
  auto report = verify();
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(report.first_broken_seq, 3);
  EXPECT_EQ(report.problem, "gap");
}

TEST_P(Tamper, ReorderedRecordsAreNamed) {
  db_->exec_bypassing_triggers(
      "UPDATE processing_log SET seq = -1 WHERE seq = 6; "
      "UPDATE processing_log SET seq = 6 WHERE seq = 7; "
      "UPDATE processing_log SET seq = 7 WHERE seq = -1");
  auto report = verify();
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(report.first_broken_seq, 6);
}

TEST_P(Tamper, TruncationAfterSignedCheckpointIsNamed) {
  db_->exec_bypassing_triggers("DELETE FROM processing_log WHERE seq >= 8");
  auto report = verify();
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(report.first_broken_seq, 8);
  EXPECT_EQ(report.problem, "truncated");
}

TEST_P(Tamper, ForgedCheckpointIsNamed) {
  db_->exec_privileged(
      "INSERT INTO log_checkpoints (chain_id, seq, head_hash, signed_at_us, key_id, signature) "
      "VALUES ('gw-1', 9, 'abc', 1, 'demo', 'AAAA')");
  auto report = verify();
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(report.first_broken_seq, 9);
  EXPECT_EQ(report.problem, "bad-checkpoint-signature");
}

TEST_P(Tamper, WithoutPublicKeyCheckpointsAreNotTrusted) {
  auto report = verify_log(*store_, nullptr);
  EXPECT_FALSE(report.ok);
}

INSTANTIATE_TEST_SUITE_P(Stores, Tamper, ::testing::Values("sqlite", "postgres"),
                         [](const auto& param_info) { return param_info.param; });

}  // namespace
}  // namespace bronpoort::processing_log
