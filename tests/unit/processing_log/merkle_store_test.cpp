// The writer keeps each chain's Merkle tree in the store, in the same commits as the records:
// proofs made from the store verify against the signed tree heads, a restarted writer continues
// the same tree, a log written before the tree existed gets one on first start (migration), and
// verify-log checks the tree heads. Run against both stores.

#include "log_test_support.hpp"

#include <bronpoort/processing_log/group_commit_writer.hpp>
#include <bronpoort/processing_log/log_proofs.hpp>
#include <bronpoort/processing_log/verifier.hpp>

#include <gtest/gtest.h>

namespace bronpoort::processing_log {
namespace {

using namespace std::chrono_literals;

const char* kOrigin = "bronpoort.local/processing-log";

class MerkleStore : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    db_ = testing::make_test_database(GetParam());
    if (!db_) GTEST_SKIP() << "no PostgreSQL test cluster (BRONPOORT_TEST_PG_DSN unset)";
    store_ = db_->open();
    auto key = std::filesystem::path(BRONPOORT_SOURCE_DIR) / "config/keys" /
               "demo-log-checkpoint-ed25519.pem";
    std::string error;
    signer_ = CheckpointSigner::from_pem_file(key, "demo", error);
    note_signer_ = NoteSigner::from_pem_file(key, kOrigin, error);
    ASSERT_TRUE(signer_ && note_signer_) << error;
    note_verifier_ = NoteVerifier::from_pem(note_signer_->public_key_pem(), kOrigin, error);
    checkpoint_verifier_ = CheckpointVerifier::from_pem(signer_->public_key_pem(), error);
  }

  WriterOptions options(std::int64_t checkpoint_every = 10) {
    WriterOptions o;
    o.chain_id = "c1";
    o.checkpoint_every_records = checkpoint_every;
    o.note_signer = note_signer_;
    o.origin = std::string(kOrigin) + "/c1";
    return o;
  }

  std::vector<AppendResult> write(int requests, std::int64_t checkpoint_every = 10) {
    std::vector<AppendResult> out;
    GroupCommitWriter writer(store_, signer_, options(checkpoint_every));
    for (int i = 0; i < requests; ++i) {
      auto r = writer.append({testing::sample_record(), testing::sample_record()}, 5s).get();
      EXPECT_TRUE(r.durable) << r.error;
      out.push_back(r);
    }
    return out;
  }

  TreeHead latest_head() {
    auto heads = store_->tree_heads("c1");
    EXPECT_FALSE(heads.empty());
    if (heads.empty()) return {};
    auto latest = store_->latest_tree_head("c1");  // what the proof API reads
    EXPECT_TRUE(latest && latest->tree_size == heads.back().tree_size &&
                latest->note == heads.back().note);
    return heads.back();
  }

  std::unique_ptr<testing::TestDatabase> db_;
  std::shared_ptr<LogStore> store_;
  std::shared_ptr<const CheckpointSigner> signer_;
  std::shared_ptr<const NoteSigner> note_signer_;
  std::shared_ptr<const NoteVerifier> note_verifier_;
  std::shared_ptr<const CheckpointVerifier> checkpoint_verifier_;
};

TEST_P(MerkleStore, ProofsFromTheStoreVerifyAgainstTheSignedTreeHead) {
  auto results = write(20);  // 40 records; the shutdown checkpoint covers all of them
  TreeHead head = latest_head();
  EXPECT_EQ(head.tree_size, 40);
  auto note = SignedNote::parse(head.note);
  ASSERT_TRUE(note);
  EXPECT_TRUE(note_verifier_->verify(*note));
  auto cp = TreeCheckpoint::parse(note->text);
  ASSERT_TRUE(cp);
  EXPECT_EQ(cp->origin, std::string(kOrigin) + "/c1");
  // Nodes at level 4 and up only: 2 + 1 for 40 leaves.
  EXPECT_EQ(store_->tree_node_count("c1"), 3);
  for (const auto& r : results) {
    ASSERT_EQ(r.leaf_hashes.size(), 2u);
    for (std::size_t i = 0; i < 2; ++i) {
      ProofRefusal refusal;
      auto proof = make_inclusion_proof(*store_, "c1", r.first_seq + static_cast<std::int64_t>(i),
                                        40, refusal);
      ASSERT_TRUE(proof) << refusal.detail;
      EXPECT_EQ(proof->leaf_hash, r.leaf_hashes[i]);  // what a receipt names
      EXPECT_TRUE(proof->verifies(cp->root));
    }
  }
  for (std::uint64_t first : {0u, 1u, 10u, 16u, 17u, 32u, 33u, 39u, 40u}) {
    ProofRefusal refusal;
    auto proof = make_consistency_proof(*store_, "c1", first, 40, refusal);
    ASSERT_TRUE(proof) << refusal.detail;
    EXPECT_EQ(proof->second_root, cp->root);
    EXPECT_TRUE(merkle::verify_consistency(first, 40, proof->first_root, cp->root, proof->path));
  }
  ProofRefusal refusal;
  EXPECT_FALSE(make_inclusion_proof(*store_, "c1", 41, 40, refusal));
  EXPECT_FALSE(make_inclusion_proof(*store_, "c1", 5, 41, refusal));
  EXPECT_EQ(refusal.code, "tree-size-unknown");
}

TEST_P(MerkleStore, ARestartedWriterContinuesTheSameTree) {
  write(9);   // 18 records: a stored level-4 node and a partial block
  write(12);  // 24 more
  TreeHead head = latest_head();
  EXPECT_EQ(head.tree_size, 42);
  auto root = stored_root(*store_, "c1", 42);
  ASSERT_TRUE(root);
  EXPECT_EQ(merkle::to_hex(*root), head.root_hash);
  // And from the records alone, as verify-log recomputes it.
  TreeVerification how{note_verifier_.get(), {}, {}};
  auto report = verify_log(*store_, checkpoint_verifier_.get(), &how);
  EXPECT_TRUE(report.ok) << report.to_json().dump();
}

TEST_P(MerkleStore, ALogWrittenBeforeTheTreeGetsOneOnFirstStart) {
  // Records written the old way: hash chain only, no tree nodes, no tree heads.
  store_->append(testing::linked_records("c1", 37), {});
  EXPECT_EQ(store_->tree_node_count("c1"), 0);
  {
    GroupCommitWriter writer(store_, signer_, options());
    // The writer builds the tree when it first reads the head: on its first batch or idle probe.
    ASSERT_TRUE(writer.append({testing::sample_record()}, 5s).get().durable);
  }
  EXPECT_EQ(store_->tree_node_count("c1"), 3);  // 38 leaves: two at level 4, one at level 5
  TreeHead head = latest_head();
  EXPECT_EQ(head.tree_size, 38);
  ProofRefusal refusal;
  auto proof = make_inclusion_proof(*store_, "c1", 3, 38, refusal);
  ASSERT_TRUE(proof) << refusal.detail;
  EXPECT_TRUE(proof->verifies(*merkle::from_hex(head.root_hash)));
}

TEST_P(MerkleStore, VerifyLogReportsATreeHeadTheRecordsDoNotHashTo) {
  write(5, 2);
  TreeVerification how{note_verifier_.get(), {}, {}};
  auto clean = verify_log(*store_, checkpoint_verifier_.get(), &how);
  EXPECT_TRUE(clean.ok) << clean.to_json().dump();
  // A witness that saw a different history of the first 4 records: a fork.
  how.witnessed["c1"].push_back({"w", 4, merkle::leaf_hash("other"), 0});
  auto forked = verify_log(*store_, checkpoint_verifier_.get(), &how);
  EXPECT_EQ(forked.chains[0].problem, "fork") << forked.to_json().dump();
  EXPECT_EQ(forked.chains[0].first_broken_seq, 4);
  // A witness that saw more records than the log holds: rolled back.
  how.witnessed["c1"] = {{"w", 12, merkle::leaf_hash("x"), 0}};
  auto rolled = verify_log(*store_, checkpoint_verifier_.get(), &how);
  EXPECT_EQ(rolled.chains[0].problem, "rolled-back") << rolled.to_json().dump();
  EXPECT_EQ(rolled.chains[0].first_broken_seq, 11);
  // A witness that could not be asked is a failure, not a silent pass.
  how.witnessed.clear();
  how.unreachable = {"w (http://127.0.0.1:1)"};
  auto unasked = verify_log(*store_, checkpoint_verifier_.get(), &how);
  EXPECT_EQ(unasked.chains[0].problem, "witness-unreachable") << unasked.to_json().dump();
}

TEST_P(MerkleStore, VerifyLogRefusesTreeHeadsSignedByAnotherKey) {
  write(3, 2);
  std::string error;
  auto other = NoteVerifier::from_pem_file(
      std::filesystem::path(BRONPOORT_SOURCE_DIR) / "config/keys/demo-witness-ed25519.pub.pem",
      kOrigin, error);
  ASSERT_TRUE(other) << error;
  TreeVerification how{other.get(), {}, {}};
  auto report = verify_log(*store_, checkpoint_verifier_.get(), &how);
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(report.chains[0].problem, "bad-tree-head-signature") << report.to_json().dump();
  EXPECT_EQ(report.chains[0].first_broken_seq, 2);  // the first tree head
}

INSTANTIATE_TEST_SUITE_P(Stores, MerkleStore, ::testing::Values("sqlite", "postgres"),
                         [](const auto& param_info) { return param_info.param; });

}  // namespace
}  // namespace bronpoort::processing_log
