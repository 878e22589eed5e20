// The SQLite store's lookups by trace and subject (sqlite_lookup.hpp): records reach the lookup in
// sorted batches, and a query by trace or subject must find every matching record whether it is
// in the lookup yet or still after the batch position, and without reading the whole table.

#include "../../../src/processing_log/sqlite_lookup.hpp"
#include "../../../src/processing_log/sql_shape.hpp"
#include "log_test_support.hpp"

#include <bronpoort/processing_log/verifier.hpp>

#include <gtest/gtest.h>

#include <sqlite3.h>

#include <set>

namespace bronpoort::processing_log {
namespace {

namespace fs = std::filesystem;

const std::string kTraceA = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
const std::string kTraceB = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

// Runs `sql` on its own connection and returns column `index` of every row as text.
std::vector<std::string> column(const fs::path& db, const std::string& sql, int index = 0) {
  sqlite3* c = nullptr;
  sqlite3_open(db.c_str(), &c);
  sqlite3_busy_timeout(c, 5000);
  sqlite3_stmt* st = nullptr;
  std::vector<std::string> out;
  if (sqlite3_prepare_v2(c, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) {
    std::string error = sqlite3_errmsg(c);
    sqlite3_close(c);
    throw std::runtime_error(error + " in " + sql);
  }
  while (sqlite3_step(st) == SQLITE_ROW) {
    const unsigned char* t = sqlite3_column_text(st, index);
    out.emplace_back(t ? reinterpret_cast<const char*>(t) : "");
  }
  sqlite3_finalize(st);
  sqlite3_close(c);
  return out;
}

class SqliteLookup : public ::testing::Test {
 protected:
  void SetUp() override { db_ = testing::temp_path("lookup") / "log.db"; }
  void TearDown() override { fs::remove_all(db_.parent_path()); }

  // Appends `n` records to chain `chain`, each with the trace and subject `pick(i)` gives.
  void append(LogStore& store, const std::string& chain, int n,
              const std::function<std::pair<std::string, std::string>(int)>& pick) {
    std::vector<LogRecord> records;
    auto& [seq, prev] = heads_[chain];
    if (prev.empty()) prev = genesis_hash();
    for (int i = 0; i < n; ++i) {
      LogRecord r = testing::sample_record();
      r.chain_id = chain;
      r.logged_at_us = 1700000000000000 + static_cast<std::int64_t>(clock_++);
      std::tie(r.trace_id, r.data_subject_id) = pick(i);
      link_record(r, seq++, prev);
      prev = r.hash;
      records.push_back(r);
    }
    store.append(records, {});
  }

  std::vector<std::int64_t> seqs(LogStore& store, const LogFilter& filter, int page_size = 100) {
    std::vector<std::int64_t> out;
    std::optional<LogCursor> cursor;
    do {
      auto page = store.query(filter, cursor, page_size);
      for (const auto& r : page.records) out.push_back(r.seq);
      cursor = page.next;
    } while (cursor && out.size() < 1000);
    return out;
  }

  std::unique_ptr<LogStore> open(std::size_t batch) {
    SqliteStoreOptions options;
    options.lookup_batch = batch;
    return open_sqlite_store(db_.string(), options);
  }

  fs::path db_;
  std::map<std::string, std::pair<std::int64_t, std::string>> heads_;
  int clock_ = 0;
};

TEST_F(SqliteLookup, QueriesFindRecordsOnBothSidesOfTheBatchPosition) {
  auto store = open(6);
  // seq 1-4 (a chain counts from 1): trace A / subject x (1, 3) and trace B / subject y (2, 4).
  append(*store, "c", 4, [](int i) {
    return i % 2 == 0 ? std::pair{kTraceA, std::string("x")} : std::pair{kTraceB, std::string("y")};
  });
  // seq 1-3 of another chain, with no subject: seven records reach the batch of six.
  append(*store, "d", 3, [](int) { return std::pair{kTraceA, std::string()}; });
  store->flush();
  EXPECT_EQ(column(db_, "SELECT COUNT(*) FROM log_lookup WHERE kind = 'trace'"),
            std::vector<std::string>{"7"});
  EXPECT_EQ(column(db_, "SELECT COUNT(*) FROM log_lookup WHERE kind = 'subject'"),
            std::vector<std::string>{"4"});
  EXPECT_EQ(column(db_, "SELECT chain_id || ':' || seq FROM log_lookup_upto ORDER BY chain_id"),
            (std::vector<std::string>{"c:4", "d:3"}));

  // Two more of trace A on chain c and one on a new chain e: after the position, not in the lookup.
  append(*store, "c", 2, [](int) { return std::pair{kTraceA, std::string("x")}; });
  append(*store, "e", 1, [](int) { return std::pair{kTraceA, std::string("x")}; });
  store->flush();
  EXPECT_EQ(column(db_, "SELECT COUNT(*) FROM log_lookup"), std::vector<std::string>{"11"});

  // Newest first, across the lookup and the records after it, also a page at a time.
  EXPECT_EQ(seqs(*store, {.trace_id = kTraceA}),
            (std::vector<std::int64_t>{1, 6, 5, 3, 2, 1, 3, 1}));
  EXPECT_EQ(seqs(*store, {.trace_id = kTraceA}, 3), seqs(*store, {.trace_id = kTraceA}));
  EXPECT_EQ(seqs(*store, {.trace_id = kTraceB}), (std::vector<std::int64_t>{4, 2}));
  EXPECT_EQ(seqs(*store, {.data_subject_id = "x"}), (std::vector<std::int64_t>{1, 6, 5, 3, 1}));
  EXPECT_EQ(seqs(*store, {.data_subject_id = "y"}), (std::vector<std::int64_t>{4, 2}));
  // Both named: the trace narrows, the subject still filters.
  EXPECT_EQ(seqs(*store, {.trace_id = kTraceA, .data_subject_id = "x"}),
            (std::vector<std::int64_t>{1, 6, 5, 3, 1}));
  EXPECT_EQ(seqs(*store, {.trace_id = kTraceB, .data_subject_id = "x"}).size(), 0u);
  // Other filters still apply to what the lookup finds.
  EXPECT_EQ(seqs(*store, {.organisation = "nobody", .trace_id = kTraceA}).size(), 0u);
  EXPECT_EQ(seqs(*store, {.data_subject_id = "nobody"}).size(), 0u);
  // A value that is SQL stays a value.
  EXPECT_EQ(seqs(*store, {.data_subject_id = "x' OR '1'='1"}).size(), 0u);

  // The next batch takes the waiting records (3 + 3 more = 6) and moves the positions on.
  append(*store, "c", 3, [](int) { return std::pair{kTraceB, std::string("y")}; });
  store->flush();
  EXPECT_EQ(column(db_, "SELECT chain_id || ':' || seq FROM log_lookup_upto ORDER BY chain_id"),
            (std::vector<std::string>{"c:9", "d:3", "e:1"}));
  EXPECT_EQ(seqs(*store, {.trace_id = kTraceB}), (std::vector<std::int64_t>{9, 8, 7, 4, 2}));
}

TEST_F(SqliteLookup, RecordsWaitingAtCloseAreCountedAgainAfterTheNextOpen) {
  {
    auto store = open(4);
    append(*store, "c", 3, [](int) { return std::pair{kTraceA, std::string("x")}; });
  }
  auto store = open(4);
  EXPECT_EQ(column(db_, "SELECT COUNT(*) FROM log_lookup"), std::vector<std::string>{"0"});
  append(*store, "c", 1, [](int) { return std::pair{kTraceA, std::string("x")}; });
  store->flush();
  EXPECT_EQ(column(db_, "SELECT COUNT(*) FROM log_lookup WHERE kind = 'trace'"),
            std::vector<std::string>{"4"});
  EXPECT_EQ(seqs(*store, {.trace_id = kTraceA}), (std::vector<std::int64_t>{4, 3, 2, 1}));
}

TEST_F(SqliteLookup, TheLookupIsAppendOnly) {
  auto store = open(1);
  append(*store, "c", 2, [](int) { return std::pair{kTraceA, std::string("x")}; });
  store->flush();
  // Hiding a record from a citizen's query by deleting its lookup row is refused.
  EXPECT_THROW(testing::exec_sqlite(db_, "DELETE FROM log_lookup WHERE kind = 'subject'"),
               std::runtime_error);
  EXPECT_THROW(testing::exec_sqlite(db_, "UPDATE log_lookup SET value = 'other'"),
               std::runtime_error);
  EXPECT_EQ(seqs(*store, {.data_subject_id = "x"}), (std::vector<std::int64_t>{2, 1}));
}

TEST_F(SqliteLookup, ADatabaseFromBeforeTheLookupGetsOneFromItsRecords) {
  {
    auto store = open(1000);
    append(*store, "c", 3, [](int i) {
      return std::pair{i == 1 ? kTraceB : kTraceA, std::string(i == 2 ? "" : "x")};
    });
  }
  // Back to the schema of version 3, as an older build left it.
  testing::exec_sqlite(db_,
                       "DROP TABLE log_lookup; DROP TABLE log_lookup_upto; "
                       "DELETE FROM schema_migrations WHERE version = 4; "
                       "CREATE INDEX processing_log_trace ON processing_log (trace_id); "
                       "CREATE INDEX processing_log_subject ON processing_log (data_subject_id);");
  auto store = open(1000);
  EXPECT_EQ(column(db_, "SELECT kind || ':' || seq FROM log_lookup ORDER BY kind, seq"),
            (std::vector<std::string>{"subject:1", "subject:2", "trace:1", "trace:2", "trace:3"}));
  EXPECT_EQ(column(db_,
                   "SELECT name FROM sqlite_master WHERE name IN "
                   "('processing_log_trace', 'processing_log_subject')")
                .size(),
            0u);
  EXPECT_EQ(seqs(*store, {.trace_id = kTraceA}), (std::vector<std::int64_t>{3, 1}));
  append(*store, "c", 1, [](int) { return std::pair{kTraceA, std::string("x")}; });
  EXPECT_EQ(seqs(*store, {.trace_id = kTraceA}), (std::vector<std::int64_t>{4, 3, 1}));
  EXPECT_EQ(seqs(*store, {.data_subject_id = "x"}), (std::vector<std::int64_t>{4, 2, 1}));
}

TEST_F(SqliteLookup, AQueryByTraceOrSubjectDoesNotReadTheWholeTable) {
  open(1);
  for (const LogFilter& filter :
       {LogFilter{.trace_id = kTraceA}, LogFilter{.purpose = "p", .data_subject_id = "x"}}) {
    auto where = sql::build_where(filter, std::nullopt,
                                  [](std::size_t n) { return "?" + std::to_string(n); });
    std::string source = sqlite::lookup_source(
        filter, where.params, [](std::size_t n) { return "?" + std::to_string(n); });
    auto plan = column(
        db_,
        "EXPLAIN QUERY PLAN SELECT * FROM " + source + where.sql + sql::kNewestFirst + " LIMIT 10",
        3);
    std::string all;
    for (const auto& step : plan) all += step + "\n";
    // A full scan of the records ("SCAN p", also "SCAN p USING INDEX processing_log_newest") or of
    // the lookup would grow with the log; both are searched by key. Only the positions (one row a
    // chain, "SCAN u") are read whole.
    for (const auto& step : plan) {
      EXPECT_EQ(step.find("SCAN p"), std::string::npos) << all;
      EXPECT_EQ(step.find("SCAN processing_log"), std::string::npos) << all;
      EXPECT_EQ(step.find("SCAN l"), std::string::npos) << all;
    }
    EXPECT_NE(all.find("SEARCH l USING PRIMARY KEY (kind=? AND value=?)"), std::string::npos)
        << all;
    EXPECT_NE(all.find("(chain_id=? AND seq>?)"), std::string::npos) << all;
  }
}

}  // namespace
}  // namespace bronpoort::processing_log
