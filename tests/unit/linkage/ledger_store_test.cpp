// The release ledger kept in the store: a restart (a new ledger on the same store) and a second
// instance (another ledger on the same PostgreSQL database) remember what was delivered, so the
// differencing attack of issue 12 cannot wait for a restart or go through another instance.

#include "../sources/source_fixtures.hpp"

#include <bronpoort/linkage/release_ledger.hpp>

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <filesystem>
#include <random>
#include <stdexcept>
#include <thread>

namespace bronpoort::linkage {
namespace {

constexpr std::size_t kMin = 10;
const std::string kGroup = R"(["Demostad","27-44"])";
const std::string kScope = ReleaseLedger::scope("00000001001234567000", "debt-monitor", "q");

// People [from, to), one row each, counted in no sum (`summed` marks some for the text form).
ReleasedCell people(int from, int to, bool summed = false) {
  ReleasedCell c{kGroup, {}};
  for (int i = from; i < to; ++i) {
    // Large fingerprints, so the encoding's full width is exercised.
    c.rows.push_back({0xfedcba9876543210ull + static_cast<std::uint64_t>(i),
                      0x0123456789abcdefull * static_cast<std::uint64_t>(i + 1),
                      static_cast<std::uint16_t>(summed ? (i * 7919) % 65536 : 0)});
  }
  std::sort(c.rows.begin(), c.rows.end());
  return c;
}

class TempFile {
 public:
  TempFile() {
    std::random_device rd;
    path_ = std::filesystem::temp_directory_path() / ("bronpoort-ledger-" + std::to_string(rd()));
    std::filesystem::create_directories(path_);
  }
  ~TempFile() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::filesystem::path db() const { return path_ / "bronpoort.db"; }

 private:
  std::filesystem::path path_;
};

// The checks every store must pass: a restart forgets nothing, refusals are not recorded.
void survives_a_restart(const std::function<std::shared_ptr<LedgerStore>()>& open) {
  {
    ReleaseLedger first(open());
    ASSERT_TRUE(first.check_and_record(kScope, {people(0, 30)}, kMin).allowed);
  }
  ReleaseLedger after_restart(open());
  const auto verdict = after_restart.check_and_record(kScope, {people(0, 29)}, kMin);
  EXPECT_FALSE(verdict.allowed);
  EXPECT_EQ(verdict.group, kGroup);
  EXPECT_EQ(verdict.smallest, 1u);
  EXPECT_TRUE(verdict.unavailable.empty());
  // The exact repeat stays allowed, a well-separated version too; the refused one left no trace.
  EXPECT_TRUE(after_restart.check_and_record(kScope, {people(0, 30)}, kMin).allowed);
  EXPECT_TRUE(after_restart.check_and_record(kScope, {people(0, 40)}, kMin).allowed);
  ReleaseLedger again(open());
  EXPECT_FALSE(again.check_and_record(kScope, {people(0, 41)}, kMin).allowed);
  EXPECT_FALSE(again.check_and_record(kScope, {people(0, 29)}, kMin).allowed);
  // Another recipient's scope starts empty.
  EXPECT_TRUE(
      again
          .check_and_record(ReleaseLedger::scope("00000001009999999000", "debt-monitor", "q"),
                            {people(0, 29)}, kMin)
          .allowed);
}

TEST(LedgerStore, RowsSurviveTheirTextForm) {
  const auto cell = people(0, 50, true);
  const auto text = encode_rows(cell.rows);
  EXPECT_EQ(text.size(), 50u * 36u);
  EXPECT_EQ(decode_rows(text), cell.rows);
  EXPECT_EQ(decode_rows(""), std::vector<ReleasedCell::Row>{});
  EXPECT_FALSE(decode_rows(text.substr(1)));
  EXPECT_FALSE(decode_rows(std::string(36, 'g')));
  EXPECT_FALSE(decode_rows(std::string(36, 'A')));  // upper case is not what we write
}

TEST(LedgerStore, SqliteRemembersAcrossARestart) {
  TempFile dir;
  survives_a_restart([&] { return open_sqlite_ledger_store(dir.db()); });
}

TEST(LedgerStore, SqliteRowsCannotBeChangedOrDeleted) {
  TempFile dir;
  {
    ReleaseLedger ledger(open_sqlite_ledger_store(dir.db()));
    ASSERT_TRUE(ledger.check_and_record(kScope, {people(0, 30)}, kMin).allowed);
  }
  // Tampering through SQL is refused by the triggers.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(dir.db().c_str(), &db), SQLITE_OK);
  EXPECT_NE(sqlite3_exec(db, "DELETE FROM linkage_releases", nullptr, nullptr, nullptr), SQLITE_OK);
  EXPECT_NE(sqlite3_exec(db, "UPDATE linkage_releases SET rows = ''", nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  ReleaseLedger after(open_sqlite_ledger_store(dir.db()));
  EXPECT_FALSE(after.check_and_record(kScope, {people(0, 29)}, kMin).allowed);
}

class FailingStore final : public LedgerStore {
 public:
  void with_scope(const std::string&,
                  const std::function<NewReleases(const ReleasedVersions&)>&) override {
    throw std::runtime_error("disk full");
  }
};

TEST(LedgerStore, AStoreThatFailsRefusesTheRelease) {
  ReleaseLedger ledger(std::make_shared<FailingStore>());
  const auto verdict = ledger.check_and_record(kScope, {people(0, 30)}, kMin);
  EXPECT_FALSE(verdict.allowed);
  EXPECT_EQ(verdict.unavailable, "disk full");
}

TEST(LedgerStore, PostgresRemembersAcrossARestartAndAcrossInstances) {
  BRONPOORT_REQUIRE_PG_OR_SKIP();
  sources::testing::PgTestDatabase db;
  survives_a_restart([&] { return open_postgres_ledger_store(db.dsn()); });
  // Two instances check the same recipient's differencing pair at once: exactly one delivers.
  const auto scope = ReleaseLedger::scope("00000001001234567000", "other-purpose", "q");
  ReleaseLedger a(open_postgres_ledger_store(db.dsn()));
  ReleaseLedger b(open_postgres_ledger_store(db.dsn()));
  for (int round = 0; round < 5; ++round) {
    const auto round_scope = scope + std::to_string(round);
    bool first = false, second = false;
    std::thread t1([&] { first = a.check_and_record(round_scope, {people(0, 30)}, kMin).allowed; });
    std::thread t2(
        [&] { second = b.check_and_record(round_scope, {people(0, 29)}, kMin).allowed; });
    t1.join();
    t2.join();
    EXPECT_NE(first, second) << "round " << round;
  }
  // Tampering is refused there too.
  EXPECT_THROW(db.exec("DELETE FROM linkage_releases"), std::exception);
  EXPECT_THROW(db.exec("TRUNCATE linkage_releases"), std::exception);
}

}  // namespace
}  // namespace bronpoort::linkage
