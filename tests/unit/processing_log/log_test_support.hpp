#pragma once
// Shared fixtures for the processing-log tests: throwaway SQLite files and PostgreSQL databases,
// raw superuser access for tamper tests, a controllable in-memory store, and sample records.

#include <bronpoort/processing_log/log_store.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

namespace bronpoort::processing_log::testing {

// A log database for one test. Drops itself at the end.
class TestDatabase {
 public:
  virtual ~TestDatabase() = default;
  virtual std::string kind() const = 0;
  virtual std::unique_ptr<LogStore> open() = 0;
  // The connection string of the database (PostgreSQL) or the file path (SQLite).
  virtual std::string location() const = 0;
  // Runs SQL with full rights on the same database, as an attacker with superuser access would.
  virtual void exec_privileged(const std::string& sql) = 0;
  // Same, with the append-only triggers switched off first.
  virtual void exec_bypassing_triggers(const std::string& sql) = 0;
};

// Runs SQL on the SQLite database at `db` on a connection of its own; throws with SQLite's message.
void exec_sqlite(const std::filesystem::path& db, const std::string& sql);

// nullptr (after GTEST_SKIP or FAIL) when PostgreSQL is required but not available.
std::unique_ptr<TestDatabase> make_test_database(const std::string& kind);

// The base DSN of the test cluster, or "" when none is configured.
std::string test_pg_dsn();
bool pg_required();
// `dsn` with its dbname (and optionally user) replaced.
std::string dsn_with(const std::string& dsn, const std::string& dbname,
                     const std::string& user = {});

// A processing record with recognisable content; chain fields are left to the writer.
LogRecord sample_record(const std::string& dataset = "persons",
                        const std::string& org = "00000001");

// Links `n` sample records into a chain (seq 1..n) for tests that bypass the writer.
// A tree append for `chain` holding one node `id` whose hash is `fill` in every byte.
TreeAppend one_node_tree(const std::string& chain, merkle::NodeId id, unsigned char fill);

std::vector<LogRecord> linked_records(const std::string& chain_id, int n,
                                      std::int64_t logged_at_us = 1700000000000000);

// An in-memory store whose commits can be made to fail or hang.
class FakeStore : public LogStore {
 public:
  void append(const std::vector<LogRecord>& records,
              const std::vector<Checkpoint>& checkpoints) override;
  std::optional<ChainHead> chain_head(const std::string& chain_id) override;
  LogPage query(const LogFilter&, const std::optional<LogCursor>&, int) override { return {}; }
  std::vector<std::string> chain_ids() override { return {}; }
  std::vector<LogRecord> chain_records(const std::string&, std::int64_t, int) override {
    return {};
  }
  std::vector<Checkpoint> checkpoints(const std::string&) override;
  bool ping() override { return !failing; }
  std::string durability() const override { return "fake (in memory)"; }

  void hang();  // the next appends block until release()
  void release();
  std::size_t record_count();
  std::size_t append_calls();

  std::atomic<bool> failing{false};
  std::chrono::microseconds commit_delay{0};

 private:
  std::mutex mutex_;
  std::condition_variable released_;
  bool hanging_ = false;
  std::vector<LogRecord> records_;
  std::vector<Checkpoint> checkpoints_;
  std::size_t calls_ = 0;
};

std::filesystem::path temp_path(const std::string& stem);

}  // namespace bronpoort::processing_log::testing
