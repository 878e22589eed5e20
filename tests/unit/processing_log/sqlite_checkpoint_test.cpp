// The SQLite store copies its WAL back into the database file on a thread of its own, not inside
// the writer's commits; the WAL must still be checkpointed under steady writing.

#include "log_test_support.hpp"

#include <bronpoort/processing_log/verifier.hpp>

#include <gtest/gtest.h>

#include <filesystem>
#include <thread>

namespace bronpoort::processing_log {
namespace {

using namespace std::chrono_literals;

TEST(SqliteStore, CheckpointsTheWalBesideTheWriter) {
  auto dir = testing::temp_path("sqlite-checkpoint");
  const auto db_file = dir / "log.db";
  auto store = open_sqlite_store(db_file.string());
  const auto initial = std::filesystem::file_size(db_file);
  // Commit batches until the WAL holds well over the checkpoint threshold (1000 pages).
  std::int64_t seq = 0;
  std::string hash = genesis_hash();
  for (int batch = 0; batch < 200 && std::filesystem::file_size(db_file) == initial; ++batch) {
    std::vector<LogRecord> records;
    for (int i = 0; i < 64; ++i) {
      auto r = testing::sample_record();
      r.chain_id = "c";
      r.trace_id = std::to_string(batch) + "-" + std::to_string(i);
      link_record(r, seq, hash);
      seq = r.seq;
      hash = r.hash;
      records.push_back(std::move(r));
    }
    store->append(records, {});
  }
  // Nothing but the store's own checkpoint thread moves pages into the database file.
  for (int i = 0; i < 200 && std::filesystem::file_size(db_file) == initial; ++i) {
    std::this_thread::sleep_for(10ms);
  }
  EXPECT_GT(std::filesystem::file_size(db_file), initial);
  EXPECT_EQ(store->chain_head("c")->seq, seq);
  EXPECT_TRUE(verify_log(*store, nullptr).ok);
  store.reset();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace bronpoort::processing_log
