// One conformance suite, run against every store: what the writer, verifier and auditor API rely
// on.

#include "log_test_support.hpp"

#include <bronpoort/processing_log/group_commit_writer.hpp>
#include <bronpoort/processing_log/verifier.hpp>

#include <gtest/gtest.h>

#include <bronpoort/core/utf8.hpp>

#include <future>
#include <set>

namespace bronpoort::processing_log {
namespace {

using testing::linked_records;
using testing::sample_record;

class StoreConformance : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    db_ = testing::make_test_database(GetParam());
    if (!db_) GTEST_SKIP() << "no PostgreSQL test cluster (BRONPOORT_TEST_PG_DSN unset)";
    store_ = db_->open();
  }
  std::unique_ptr<testing::TestDatabase> db_;
  std::unique_ptr<LogStore> store_;
};

TEST_P(StoreConformance, AppendedRecordsReadBackExactlyAndHashesStillMatch) {
  auto records = linked_records("chain-a", 3);
  records[1].kind = RecordKind::Audit;
  records[1].details = {{"reason", "no grant for \"benefit-check\""}, {"n", 3}};
  records[1].fields_withheld = {"bsn"};
  // Re-link after the edits so the stored hashes are right.
  std::string prev = genesis_hash();
  for (std::size_t i = 0; i < records.size(); ++i) {
    link_record(records[i], static_cast<std::int64_t>(i), prev);
    prev = records[i].hash;
  }
  store_->append(records, {});
  auto back = store_->chain_records("chain-a", 1, 10);
  ASSERT_EQ(back.size(), 3u);
  for (std::size_t i = 0; i < back.size(); ++i) {
    EXPECT_EQ(back[i].canonical_bytes(), records[i].canonical_bytes()) << i;
    EXPECT_EQ(back[i].hash, records[i].hash);
    EXPECT_EQ(chain_hash(back[i].prev_hash, back[i].canonical_bytes()), back[i].hash);
  }
  auto head = store_->chain_head("chain-a");
  ASSERT_TRUE(head);
  EXPECT_EQ(head->seq, 3);
  EXPECT_EQ(head->hash, records[2].hash);
  EXPECT_FALSE(store_->chain_head("other-chain"));
}

// The PostgreSQL store sends a batch as one array literal per column: texts that look like array
// syntax, quotes, backslashes or NULL must come back as they went in, in every column.
TEST_P(StoreConformance, TextsThatLookLikeArraySyntaxReadBackExactly) {
  const std::vector<std::string> hostile = {
      "NULL", "", "a,b", "{x}", "\"quoted\"", "back\\slash\\", "}\",{\"", "tab\there", "é ✓"};
  std::vector<LogRecord> records;
  std::string prev = genesis_hash();
  for (std::size_t i = 0; i < hostile.size(); ++i) {
    LogRecord r = sample_record("persons", hostile[i]);
    r.chain_id = "chain-h";
    r.purpose = hostile[(i + 1) % hostile.size()];
    r.user = hostile[(i + 2) % hostile.size()];
    r.details = {{"note", hostile[i]}};
    r.fields_released = {hostile[i], "x"};
    link_record(r, static_cast<std::int64_t>(i), prev);
    prev = r.hash;
    records.push_back(r);
  }
  store_->append(records, {});
  auto back = store_->chain_records("chain-h", 1, 100);
  ASSERT_EQ(back.size(), hostile.size());
  for (std::size_t i = 0; i < back.size(); ++i) {
    EXPECT_EQ(back[i].organisation, hostile[i]) << i;
    EXPECT_EQ(back[i].canonical_bytes(), records[i].canonical_bytes()) << i;
    EXPECT_EQ(chain_hash(back[i].prev_hash, back[i].canonical_bytes()), back[i].hash) << i;
  }
}

// The review sent an invalid UTF-8 purpose: PostgreSQL refused it and with it the whole commit
// batch, so other callers' requests failed with 503. The writer makes every text storable first.
TEST_P(StoreConformance, CallerBytesThatAreNotUtf8FailNobodysCommit) {
  std::shared_ptr<LogStore> store = std::move(store_);
  GroupCommitWriter writer(store, nullptr, WriterOptions{});
  auto hostile = sample_record();
  hostile.purpose = "bad\xff\xfe purpose";
  hostile.user = std::string(100'000, 'u');
  hostile.details = {{"reason\xc0", "x\xed\xa0\x80"}};
  std::vector<std::future<AppendResult>> results;
  for (int i = 0; i < 20; ++i) {
    results.push_back(
        writer.append({i == 7 ? hostile : sample_record()}, std::chrono::seconds(10)));
  }
  for (auto& r : results) EXPECT_TRUE(r.get().durable);
  auto back = store->chain_records("gateway-1", 1, 100);
  ASSERT_EQ(back.size(), 20u);
  for (const auto& r : back) {
    EXPECT_TRUE(is_valid_utf8(r.canonical_bytes()));
    EXPECT_LE(r.user.size(), 1024u);
  }
  auto report = verify_log(*store, nullptr);
  EXPECT_TRUE(report.ok);
}

TEST_P(StoreConformance, BatchIsAllOrNothing) {
  auto records = linked_records("chain-a", 3);
  store_->append({records[0]}, {});
  // Record 1 again (duplicate seq) in the same batch as 2 and 3: nothing of the batch may land.
  EXPECT_THROW(store_->append(records, {}), StoreError);
  EXPECT_EQ(store_->chain_records("chain-a", 1, 10).size(), 1u);
  store_->append({records[1], records[2]}, {});
  EXPECT_EQ(store_->chain_head("chain-a")->seq, 3);
}

// A commit's tree nodes land with its records or not at all (PostgreSQL writes both in one
// statement, SQLite refuses the batch before its journal frame is written).
TEST_P(StoreConformance, TreeNodesOfAFailedBatchAreNotStored) {
  auto records = linked_records("chain-t", 3);
  store_->append({records[0]}, {});
  TreeAppend tree = testing::one_node_tree("chain-t", {4, 0}, 0x11);
  EXPECT_THROW(store_->append_with_tree(records, {}, tree), StoreError);  // seq 1 again
  EXPECT_EQ(store_->tree_node_count("chain-t"), 0);
  EXPECT_EQ(store_->chain_records("chain-t", 1, 10).size(), 1u);
  store_->append_with_tree({records[1], records[2]}, {}, tree);
  EXPECT_EQ(store_->tree_node_count("chain-t"), 1);
  EXPECT_EQ(store_->chain_head("chain-t")->seq, 3);
}

TEST_P(StoreConformance, LargeBatchIsStoredInChainOrderAndVerifies) {
  // Larger than one multi-row INSERT, and not a multiple of it: full statements and a remainder.
  constexpr int kRecords = 53;
  auto records = linked_records("chain-a", kRecords);
  for (int i = 0; i < kRecords; ++i)
    records[i].trace_id = std::string(31, 'a') + char('a' + i % 26);
  std::string prev = genesis_hash();
  for (int i = 0; i < kRecords; ++i) {
    link_record(records[i], i, prev);
    prev = records[i].hash;
  }
  store_->append({records.begin(), records.begin() + 2}, {});
  store_->append({records.begin() + 2, records.end()}, {});
  auto back = store_->chain_records("chain-a", 1, 100);
  ASSERT_EQ(back.size(), static_cast<std::size_t>(kRecords));
  for (int i = 0; i < kRecords; ++i) {
    EXPECT_EQ(back[i].seq, i + 1);
    EXPECT_EQ(back[i].trace_id, records[i].trace_id);
    EXPECT_EQ(back[i].canonical_bytes(), records[i].canonical_bytes()) << i;
  }
  auto report = verify_log(*store_, nullptr);
  EXPECT_TRUE(report.ok) << report.to_json().dump();
  // A failed large batch leaves nothing behind, and the kept statements work afterwards.
  auto more = linked_records("chain-b", 40);
  more[39] = more[38];  // duplicate seq in the last multi-row chunk's remainder
  EXPECT_THROW(store_->append(more, {}), StoreError);
  EXPECT_TRUE(store_->chain_records("chain-b", 1, 100).empty());
  more = linked_records("chain-b", 40);
  store_->append(more, {});
  EXPECT_EQ(store_->chain_head("chain-b")->seq, 40);
}

TEST_P(StoreConformance, FiltersSelectOnlyMatchingRecords) {
  std::vector<LogRecord> records;
  std::string prev = genesis_hash();
  auto add = [&](LogRecord r, std::int64_t at) {
    r.chain_id = "c";
    r.logged_at_us = at;
    link_record(r, static_cast<std::int64_t>(records.size()), prev);
    prev = r.hash;
    records.push_back(r);
  };
  add(sample_record("persons", "111"), 1000);
  auto denied = sample_record("vehicles", "222");
  denied.kind = RecordKind::Audit;
  denied.decision = "deny";
  denied.http_status = 403;
  denied.trace_id = "11111111111111111111111111111111";
  denied.owner_organisation = "00000077";
  add(denied, 2000);
  auto other = sample_record("persons", "222");
  other.purpose = "tax-audit";
  other.data_subject_id = "someone-else";
  add(other, 3000);
  store_->append(records, {});

  auto count = [&](const LogFilter& f) {
    return store_->query(f, std::nullopt, 100).records.size();
  };
  EXPECT_EQ(count({}), 3u);
  EXPECT_EQ(count({.from_us = 2000}), 2u);
  EXPECT_EQ(count({.to_us = 2000}), 1u);
  EXPECT_EQ(count({.from_us = 1000, .to_us = 3000}), 2u);
  EXPECT_EQ(count({.dataset = "vehicles"}), 1u);
  EXPECT_EQ(count({.purpose = "tax-audit"}), 1u);
  EXPECT_EQ(count({.organisation = "222"}), 2u);
  EXPECT_EQ(count({.owner_organisation = "00000077"}), 1u);
  EXPECT_EQ(count({.trace_id = "11111111111111111111111111111111"}), 1u);
  EXPECT_EQ(count({.http_status = 403}), 1u);
  EXPECT_EQ(count({.decision = "deny"}), 1u);
  EXPECT_EQ(count({.kind = RecordKind::Audit}), 1u);
  EXPECT_EQ(count({.kind = RecordKind::Processing, .data_subject_id = "someone-else"}), 1u);
  EXPECT_EQ(count({.purpose = "benefit-check", .organisation = "222"}), 1u);
  EXPECT_EQ(count({.dataset = "nothing"}), 0u);
  // Hostile filter values are data, not SQL.
  EXPECT_EQ(count({.dataset = "x' OR '1'='1"}), 0u);
}

TEST_P(StoreConformance, PagesNewestFirstWithoutSkipsOrRepeats) {
  // Two chains with equal timestamps: the tie-break must still give a total order.
  auto a = linked_records("chain-a", 25, 5000);
  auto b = linked_records("chain-b", 25, 5000);
  store_->append(a, {});
  store_->append(b, {});
  std::set<std::pair<std::string, std::int64_t>> seen;
  std::optional<LogCursor> cursor;
  std::int64_t last_time = INT64_MAX;
  int pages = 0;
  do {
    auto page = store_->query({}, cursor, 7);
    ++pages;
    for (const auto& r : page.records) {
      EXPECT_LE(r.logged_at_us, last_time);
      last_time = r.logged_at_us;
      EXPECT_TRUE(seen.insert({r.chain_id, r.seq}).second) << "repeated " << r.chain_id << r.seq;
    }
    cursor = page.next;
    if (cursor) cursor = LogCursor::decode(cursor->encode());  // as a client would send it back
  } while (cursor && pages < 20);
  EXPECT_EQ(seen.size(), 50u);
  EXPECT_EQ(pages, 8);
}

TEST_P(StoreConformance, DatabaseRefusesUpdateAndDelete) {
  store_->append(linked_records("c", 2), {});
  store_->flush();
  EXPECT_ANY_THROW(db_->exec_privileged("UPDATE processing_log SET http_status = 200"));
  EXPECT_ANY_THROW(db_->exec_privileged("DELETE FROM processing_log WHERE seq = 2"));
  EXPECT_ANY_THROW(db_->exec_privileged("DELETE FROM processing_log"));
  if (db_->kind() == "postgres") {
    EXPECT_ANY_THROW(db_->exec_privileged("TRUNCATE processing_log"));
    EXPECT_ANY_THROW(db_->exec_privileged("TRUNCATE log_checkpoints"));
  }
  EXPECT_EQ(store_->chain_records("c", 1, 10).size(), 2u);
}

TEST_P(StoreConformance, CheckpointsAreStoredAndListedPerChain) {
  auto records = linked_records("c", 2);
  Checkpoint cp{"c", 2, records[1].hash, 42, "k", "sig"};
  store_->append(records, {cp});
  store_->append({}, {Checkpoint{"d", 1, "h", 43, "k", "sig2"}});
  auto all = store_->checkpoints("");
  ASSERT_EQ(all.size(), 2u);
  auto mine = store_->checkpoints("c");
  ASSERT_EQ(mine.size(), 1u);
  EXPECT_EQ(mine[0].head_hash, records[1].hash);
  EXPECT_EQ(mine[0].signature, "sig");
  EXPECT_EQ(store_->chain_head("c")->last_checkpoint_seq, 2);
}

TEST_P(StoreConformance, WriterChainVerifiesAndContinuesAfterRestart) {
  std::shared_ptr<LogStore> shared(std::move(store_));
  WriterOptions options;
  options.chain_id = "gw-1";
  {
    GroupCommitWriter writer(shared, nullptr, options);
    for (int i = 0; i < 5; ++i) {
      ASSERT_TRUE(writer.append({sample_record(), sample_record()}, std::chrono::seconds(10))
                      .get()
                      .durable);
    }
  }
  // A restarted process continues the stored chain instead of starting a second one. The first
  // process has ended: its store is closed before the second opens.
  shared.reset();
  shared = db_->open();
  {
    GroupCommitWriter writer(shared, nullptr, options);
    auto r = writer.append({sample_record()}, std::chrono::seconds(10)).get();
    ASSERT_TRUE(r.durable);
    EXPECT_EQ(r.first_seq, 11);
  }
  auto report = verify_log(*shared, nullptr);
  ASSERT_EQ(report.chains.size(), 1u);
  EXPECT_TRUE(report.ok) << report.to_json().dump();
  EXPECT_EQ(report.chains[0].records, 11);
  EXPECT_TRUE(shared->ping());
}

INSTANTIATE_TEST_SUITE_P(Stores, StoreConformance,
                         ::testing::Values("sqlite", "sqlite_lookup_every_commit", "postgres"),
                         [](const auto& param_info) { return param_info.param; });

}  // namespace
}  // namespace bronpoort::processing_log
