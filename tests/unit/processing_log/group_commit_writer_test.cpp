#include "log_test_support.hpp"

#include <bronpoort/processing_log/group_commit_writer.hpp>
#include <bronpoort/processing_log/verifier.hpp>

#include <gtest/gtest.h>

#include <future>
#include <map>
#include <mutex>
#include <thread>

namespace bronpoort::processing_log {
namespace {

using namespace std::chrono_literals;
using testing::FakeStore;
using testing::sample_record;

TEST(GroupCommitWriter, ConcurrentRequestsShareCommits) {
  auto store = std::make_shared<FakeStore>();
  store->commit_delay = 2ms;  // like an fsync
  WriterOptions options;
  options.max_batch_records = 256;
  GroupCommitWriter writer(store, nullptr, options);
  constexpr int kThreads = 32;
  constexpr int kPerThread = 20;
  std::atomic<int> durable{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kPerThread; ++i) {
        if (writer.append({sample_record()}, 10s).get().durable) ++durable;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(durable.load(), kThreads * kPerThread);
  EXPECT_EQ(store->record_count(), static_cast<std::size_t>(kThreads * kPerThread));
  // Without group commit this would be 640 commits.
  EXPECT_LT(writer.stats().batches, static_cast<std::uint64_t>(kThreads * kPerThread / 4));
}

TEST(GroupCommitWriter, ConcurrentWritersProduceOneValidChain) {
  auto dir = testing::temp_path("writer");
  std::shared_ptr<LogStore> store = open_sqlite_store((dir / "log.db").string());
  {
    GroupCommitWriter writer(store, nullptr, WriterOptions{});
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t) {
      threads.emplace_back([&] {
        for (int i = 0; i < 25; ++i)
          ASSERT_TRUE(writer.append({sample_record()}, 10s).get().durable);
      });
    }
    for (auto& t : threads) t.join();
  }
  auto report = verify_log(*store, nullptr);
  EXPECT_TRUE(report.ok) << report.to_json().dump();
  EXPECT_EQ(report.chains.at(0).records, 200);
  std::filesystem::remove_all(dir);
}

TEST(GroupCommitWriter, MultiRecordAppendsStayContiguousAndInOrder) {
  // Requests hand over several records at once (processing records plus the audit record); under
  // concurrency each request's records must land together, in the order given, at the sequence
  // numbers the writer reports, and the chain must verify.
  auto dir = testing::temp_path("writer-order");
  std::shared_ptr<LogStore> store = open_sqlite_store((dir / "log.db").string());
  constexpr int kThreads = 16;
  constexpr int kPerThread = 12;
  std::mutex mu;
  std::map<std::int64_t, std::vector<std::string>> by_first_seq;
  {
    GroupCommitWriter writer(store, nullptr, WriterOptions{});
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        for (int i = 0; i < kPerThread; ++i) {
          std::vector<LogRecord> records;
          std::vector<std::string> traces;
          for (int k = 0; k < 1 + (t + i) % 4; ++k) {
            char id[33];
            std::snprintf(id, sizeof id, "%08x%08x%08x%08x", t, i, k, 7);
            records.push_back(sample_record());
            records.back().trace_id = id;
            traces.push_back(id);
          }
          auto r = writer.append(std::move(records), 10s).get();
          ASSERT_TRUE(r.durable) << r.error;
          std::lock_guard lock(mu);
          by_first_seq[r.first_seq] = traces;
        }
      });
    }
    for (auto& t : threads) t.join();
    EXPECT_LT(writer.stats().batches, static_cast<std::uint64_t>(kThreads * kPerThread));
  }
  auto stored = store->chain_records("gateway-1", 1, 10000);
  std::int64_t expected_seq = 1;
  for (const auto& [first, traces] : by_first_seq) {
    ASSERT_EQ(first, expected_seq);  // no gaps, no overlaps between requests
    for (std::size_t k = 0; k < traces.size(); ++k) {
      ASSERT_LT(static_cast<std::size_t>(first - 1 + k), stored.size());
      EXPECT_EQ(stored[first - 1 + k].trace_id, traces[k]);
    }
    expected_seq += static_cast<std::int64_t>(traces.size());
  }
  EXPECT_EQ(static_cast<std::size_t>(expected_seq - 1), stored.size());
  auto report = verify_log(*store, nullptr);
  EXPECT_TRUE(report.ok) << report.to_json().dump();
  std::filesystem::remove_all(dir);
}

TEST(GroupCommitWriter, CallbacksRunOffTheWriterAndReleaseWhatTheyHold) {
  // The request's context travels in the callback; it must be let go once the callback ran (the
  // organisation's concurrency slot is released with it), not when the writer drops the batch.
  auto store = std::make_shared<FakeStore>();
  GroupCommitWriter writer(store, nullptr, WriterOptions{});
  auto held = std::make_shared<int>(1);
  std::weak_ptr<int> watch = held;
  std::promise<void> ran;
  writer.append({sample_record()}, 5s, [held = std::move(held), &ran](const AppendResult& r) {
    EXPECT_TRUE(r.durable);
    ran.set_value();
  });
  ran.get_future().wait();
  for (int i = 0; i < 100 && !watch.expired(); ++i) std::this_thread::sleep_for(5ms);
  EXPECT_TRUE(watch.expired());
}

TEST(GroupCommitWriter, BatchNeverExceedsMaxBatchRecords) {
  auto store = std::make_shared<FakeStore>();
  store->hang();
  WriterOptions options;
  options.max_batch_records = 3;
  GroupCommitWriter writer(store, nullptr, options);
  std::vector<std::future<AppendResult>> results;
  for (int i = 0; i < 10; ++i) results.push_back(writer.append({sample_record()}, 10s));
  store->release();
  for (auto& r : results) EXPECT_TRUE(r.get().durable);
  EXPECT_GE(writer.stats().batches, 4u);  // 10 records, at most 3 per commit
}

// maxWaitMicros: a commit waits for requests announced with expect() (up to max_wait), so that
// one commit takes them all, and not a moment longer once none is on its way.
TEST(GroupCommitWriter, ACommitWaitsForRequestsOnTheirWayAndNoLonger) {
  auto store = std::make_shared<FakeStore>();
  WriterOptions options;
  options.max_wait = 30s;  // far beyond the test's timeouts: only the announcements may end a wait
  options.min_on_the_way = 2;
  GroupCommitWriter writer(store, nullptr, options);
  auto first_on_its_way = writer.expect();
  auto second_on_its_way = writer.expect();
  auto third_on_its_way = writer.expect();  // ends without records
  auto first = writer.append({sample_record()}, 60s);
  first_on_its_way.reset();  // appended; two are still on their way, enough to wait for
  EXPECT_EQ(first.wait_for(200ms), std::future_status::timeout);
  EXPECT_EQ(store->record_count(), 0u);
  auto second = writer.append({sample_record(), sample_record()}, 60s);
  second_on_its_way.reset();
  EXPECT_EQ(first.wait_for(200ms), std::future_status::timeout);
  third_on_its_way.reset();  // the last one: the commit goes now
  ASSERT_EQ(first.wait_for(5s), std::future_status::ready);
  ASSERT_EQ(second.wait_for(5s), std::future_status::ready);
  EXPECT_TRUE(first.get().durable);
  EXPECT_TRUE(second.get().durable);
  EXPECT_EQ(store->record_count(), 3u);
  EXPECT_EQ(writer.stats().batches, 1u);  // both requests in one commit

  // Nothing on its way: a record is committed at once, whatever max_wait says.
  const auto started = std::chrono::steady_clock::now();
  EXPECT_TRUE(writer.append({sample_record()}, 60s).get().durable);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 5s);
  EXPECT_EQ(writer.stats().batches, 2u);

  // Fewer on their way than min_on_the_way: no wait, the one that is on its way comes later.
  auto on_its_way = writer.expect();
  const auto again = std::chrono::steady_clock::now();
  EXPECT_TRUE(writer.append({sample_record()}, 60s).get().durable);
  EXPECT_LT(std::chrono::steady_clock::now() - again, 5s);
  EXPECT_EQ(writer.stats().batches, 3u);
}

TEST(GroupCommitWriter, AnAnnouncementMayOutliveItsWriter) {
  std::shared_ptr<void> on_its_way;
  {
    GroupCommitWriter writer(std::make_shared<FakeStore>(), nullptr, WriterOptions{});
    on_its_way = writer.expect();
  }
  on_its_way.reset();  // a request that ended after the gateway's log stopped: no crash
  SUCCEED();
}

TEST(GroupCommitWriter, FailedCommitIsReportedAndReadinessRecovers) {
  auto store = std::make_shared<FakeStore>();
  WriterOptions options;
  options.retry_interval = 20ms;
  GroupCommitWriter writer(store, nullptr, options);
  ASSERT_TRUE(writer.append({sample_record()}, 5s).get().durable);
  store->failing = true;
  auto r = writer.append({sample_record()}, 5s).get();
  EXPECT_FALSE(r.durable);
  EXPECT_FALSE(writer.healthy());
  store->failing = false;
  for (int i = 0; i < 100 && !writer.healthy(); ++i) std::this_thread::sleep_for(10ms);
  EXPECT_TRUE(writer.healthy());  // recovered without traffic, without a restart
  auto again = writer.append({sample_record()}, 5s).get();
  EXPECT_TRUE(again.durable);
  EXPECT_EQ(again.first_seq, 2);  // the failed batch left no hole in the chain
}

TEST(GroupCommitWriter, QueuedBehindAHungCommitAnswersAtTheDeadline) {
  auto store = std::make_shared<FakeStore>();
  store->hang();
  GroupCommitWriter writer(store, nullptr, WriterOptions{});
  auto first = writer.append({sample_record()}, 10s);  // taken by the hung commit
  std::this_thread::sleep_for(50ms);
  auto start = std::chrono::steady_clock::now();
  auto r = writer.append({sample_record("queued")}, 100ms).get();
  auto waited = std::chrono::steady_clock::now() - start;
  EXPECT_FALSE(r.durable);
  EXPECT_EQ(r.error, "log commit timed out");
  EXPECT_LT(waited, 2s);
  store->release();
  EXPECT_TRUE(first.get().durable);
}

// The race the review found: the deadline fired while the batch was being written, the request
// answered 503, and the commit then landed its records as a release. Once taken, only the
// commit's outcome answers.
TEST(GroupCommitWriter, TakenBatchIsAnsweredByItsCommitNotByTheDeadline) {
  auto store = std::make_shared<FakeStore>();
  store->hang();
  GroupCommitWriter writer(store, nullptr, WriterOptions{});
  auto taken = writer.append({sample_record()}, 50ms);
  EXPECT_EQ(taken.wait_for(300ms), std::future_status::timeout);  // the deadline passed
  store->release();
  auto r = taken.get();
  EXPECT_TRUE(r.durable);
  EXPECT_EQ(store->record_count(), 1u);
}

TEST(GroupCommitWriter, TimedOutRequestsAreNotWrittenLater) {
  auto store = std::make_shared<FakeStore>();
  store->hang();
  GroupCommitWriter writer(store, nullptr, WriterOptions{});
  auto first = writer.append({sample_record()}, 10s);  // taken by the hung commit
  std::this_thread::sleep_for(50ms);
  auto late = writer.append({sample_record("late")}, 50ms).get();  // still queued
  EXPECT_FALSE(late.durable);
  store->release();
  EXPECT_TRUE(first.get().durable);
  auto after = writer.append({sample_record()}, 10s).get();
  EXPECT_TRUE(after.durable);
  // The request that answered 503 has no record claiming it was served.
  EXPECT_EQ(store->record_count(), 2u);
}

TEST(GroupCommitWriter, FullQueueRefusesAtOnce) {
  auto store = std::make_shared<FakeStore>();
  store->hang();
  WriterOptions options;
  options.max_queued_records = 2;
  GroupCommitWriter writer(store, nullptr, options);
  auto a = writer.append({sample_record()}, 10s);
  std::this_thread::sleep_for(30ms);  // a is now in the hung commit
  auto b = writer.append({sample_record(), sample_record()}, 10s);
  auto c = writer.append({sample_record()}, 10s);
  EXPECT_EQ(c.wait_for(0s), std::future_status::ready);
  EXPECT_FALSE(c.get().durable);
  store->release();
  EXPECT_TRUE(a.get().durable);
  EXPECT_TRUE(b.get().durable);
}

TEST(GroupCommitWriter, SignsCheckpointsEveryNRecords) {
  auto store = std::make_shared<FakeStore>();
  std::string error;
  std::shared_ptr<const CheckpointSigner> signer = CheckpointSigner::from_pem_file(
      std::filesystem::path(BRONPOORT_SOURCE_DIR) / "config/keys/demo-log-checkpoint-ed25519.pem",
      "demo", error);
  ASSERT_TRUE(signer) << error;
  auto verifier = CheckpointVerifier::from_pem(signer->public_key_pem(), error);
  WriterOptions options;
  options.checkpoint_every_records = 4;
  GroupCommitWriter writer(store, signer, options);
  for (int i = 0; i < 9; ++i) ASSERT_TRUE(writer.append({sample_record()}, 5s).get().durable);
  auto cps = store->checkpoints("");
  ASSERT_EQ(cps.size(), 2u);
  EXPECT_EQ(cps[0].seq, 4);
  EXPECT_EQ(cps[1].seq, 8);
  EXPECT_TRUE(verifier->verify(cps[0]));
  auto forged = cps[0];
  forged.seq = 5;
  EXPECT_FALSE(verifier->verify(forged));
}

TEST(GroupCommitWriter, SignsTheHeadAfterIdleTime) {
  auto store = std::make_shared<FakeStore>();
  std::string error;
  std::shared_ptr<const CheckpointSigner> signer = CheckpointSigner::from_pem_file(
      std::filesystem::path(BRONPOORT_SOURCE_DIR) / "config/keys/demo-log-checkpoint-ed25519.pem",
      "demo", error);
  WriterOptions options;
  options.checkpoint_every = 50ms;
  options.retry_interval = 10ms;
  GroupCommitWriter writer(store, signer, options);
  std::this_thread::sleep_for(60ms);
  ASSERT_TRUE(writer.append({sample_record()}, 5s).get().durable);
  for (int i = 0; i < 100 && store->checkpoints("").empty(); ++i) std::this_thread::sleep_for(10ms);
  ASSERT_FALSE(store->checkpoints("").empty());
  EXPECT_EQ(store->checkpoints("").back().seq, 1);
}

}  // namespace
}  // namespace bronpoort::processing_log
