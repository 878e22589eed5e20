// The release ledger: which aggregate deliveries a recipient may receive, given what it has
// received before. Each case is a differencing attack (or a legitimate repeat) on one cell, with
// a minimum of 10 people.

#include <bronpoort/linkage/linking.hpp>
#include <bronpoort/linkage/release_ledger.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

namespace bronpoort::linkage {
namespace {

constexpr std::size_t kMin = 10;
const std::string kGroup = R"(["Demostad","27-44"])";

// A cell of people [from, to), one row each; row and subject fingerprints are the person's number.
ReleasedCell people(int from, int to, const std::string& group = kGroup) {
  ReleasedCell c{group, {}};
  for (int i = from; i < to; ++i) {
    c.rows.push_back({static_cast<std::uint64_t>(i), static_cast<std::uint64_t>(i)});
  }
  std::sort(c.rows.begin(), c.rows.end());
  return c;
}

ReleasedCell with(ReleasedCell c, std::uint64_t row, std::uint64_t subject) {
  c.rows.push_back({row, subject});
  std::sort(c.rows.begin(), c.rows.end());
  return c;
}

const std::string kScope = ReleaseLedger::scope("00000001001234567000", "debt-monitor", "q");

TEST(ReleaseLedger, AFirstReleaseAndItsExactRepeatsAreAllowed) {
  ReleaseLedger ledger;
  EXPECT_TRUE(ledger.check_and_record(kScope, {people(0, 30)}, kMin).allowed);
  EXPECT_TRUE(ledger.check_and_record(kScope, {people(0, 30)}, kMin).allowed);
}

TEST(ReleaseLedger, TwoReleasesThatDifferByOnePersonAreRefused) {
  // The attack of issue 12: openedDate lte D and lt D differ in the one person opened on D.
  ReleaseLedger ledger;
  ASSERT_TRUE(ledger.check_and_record(kScope, {people(0, 30)}, kMin).allowed);
  auto verdict = ledger.check_and_record(kScope, {people(0, 29)}, kMin);
  EXPECT_FALSE(verdict.allowed);
  EXPECT_EQ(verdict.group, kGroup);
  EXPECT_EQ(verdict.smallest, 1u);
  EXPECT_FALSE(verdict.limit_reached);
  // The other direction too, and a difference of nine.
  EXPECT_FALSE(ledger.check_and_record(kScope, {people(0, 31)}, kMin).allowed);
  EXPECT_FALSE(ledger.check_and_record(kScope, {people(0, 21)}, kMin).allowed);
  // A refused release is not recorded: the first one can still be repeated.
  EXPECT_TRUE(ledger.check_and_record(kScope, {people(0, 30)}, kMin).allowed);
}

TEST(ReleaseLedger, ADifferenceOfAtLeastTheMinimumIsAllowed) {
  ReleaseLedger ledger;
  ASSERT_TRUE(ledger.check_and_record(kScope, {people(0, 30)}, kMin).allowed);
  EXPECT_TRUE(ledger.check_and_record(kScope, {people(0, 20)}, kMin).allowed);
  EXPECT_TRUE(ledger.check_and_record(kScope, {people(0, 40)}, kMin).allowed);
  // 0..19 | 20..29 | 30..39 are the atoms now; a cell that splits one of them is refused.
  EXPECT_FALSE(ledger.check_and_record(kScope, {people(0, 25)}, kMin).allowed);
}

TEST(ReleaseLedger, ThreeReleasesThatLeaveOnePersonBetweenThemAreRefused) {
  // All (30), open (0..14) and closed (15..28): every two differ by 15 or more, but all minus
  // open minus closed is person 29. Pairwise checks let this through; atoms do not.
  ReleaseLedger ledger;
  ASSERT_TRUE(ledger.check_and_record(kScope, {people(0, 30)}, kMin).allowed);
  ASSERT_TRUE(ledger.check_and_record(kScope, {people(0, 15)}, kMin).allowed);
  auto verdict = ledger.check_and_record(kScope, {people(15, 29)}, kMin);
  EXPECT_FALSE(verdict.allowed);
  EXPECT_EQ(verdict.smallest, 1u);
}

TEST(ReleaseLedger, OnePersonsSecondCaseIsIsolatedLikeAPerson) {
  // The same 30 people, but one of their two cases left out: the difference is that one case.
  ReleaseLedger ledger;
  ASSERT_TRUE(ledger.check_and_record(kScope, {with(people(0, 30), 1000, 0)}, kMin).allowed);
  EXPECT_FALSE(ledger.check_and_record(kScope, {people(0, 30)}, kMin).allowed);
}

TEST(ReleaseLedger, CountsOfPeopleCannotBeDifferencedEither) {
  // 30 people with a case of kind a, 12 of them also with one of kind b, and 2 more with only b.
  // Then only the a cases: the b cases differ by 14 people, enough for their sums, but the count
  // of people drops from 32 to 30 and would say that two people have only b cases.
  auto all = people(0, 30);
  for (std::uint64_t i = 0; i < 12; ++i) all = with(std::move(all), 1000 + i, i);
  all = with(with(std::move(all), 1030, 30), 1031, 31);
  ReleaseLedger ledger;
  ASSERT_TRUE(ledger.check_and_record(kScope, {all}, kMin).allowed);
  auto verdict = ledger.check_and_record(kScope, {people(0, 30)}, kMin);
  EXPECT_FALSE(verdict.allowed);
  EXPECT_EQ(verdict.smallest, 2u);
}

TEST(ReleaseLedger, ASumCannotBeNarrowedToTheFewWithAnAmount) {
  // First ten people with an amount and ten more of whom only person 19 has one, then the first
  // ten alone. Rows and people differ by ten, but the sums by person 19's amount alone.
  auto summed = [](ReleasedCell c, int from, int to) {
    for (auto& r : c.rows) {
      if (r.row >= static_cast<std::uint64_t>(from) && r.row < static_cast<std::uint64_t>(to)) {
        r.summed = 1;
      }
    }
    return c;
  };
  ReleaseLedger ledger;
  auto first = summed(summed(people(0, 20), 0, 10), 19, 20);
  ASSERT_TRUE(ledger.check_and_record(kScope, {first}, kMin).allowed);
  auto verdict = ledger.check_and_record(kScope, {summed(people(0, 10), 0, 10)}, kMin);
  EXPECT_FALSE(verdict.allowed);
  EXPECT_EQ(verdict.smallest, 1u);
  // Without amounts on the ten, the same two cells are a difference of ten people.
  ReleaseLedger counts_only;
  ASSERT_TRUE(counts_only.check_and_record(kScope, {people(0, 20)}, kMin).allowed);
  EXPECT_TRUE(counts_only.check_and_record(kScope, {people(0, 10)}, kMin).allowed);
}

TEST(ReleaseLedger, RecipientsPurposesAndCellsAreAuditedApart) {
  ReleaseLedger ledger;
  ASSERT_TRUE(ledger.check_and_record(kScope, {people(0, 30)}, kMin).allowed);
  const auto other = ReleaseLedger::scope("00000001009999999000", "debt-monitor", "q");
  EXPECT_TRUE(ledger.check_and_record(other, {people(0, 29)}, kMin).allowed)
      << "another organisation has received nothing yet";
  EXPECT_TRUE(
      ledger.check_and_record(kScope, {people(0, 30), people(100, 111, "[\"Elders\"]")}, kMin)
          .allowed);
  // One refused cell refuses the whole delivery, and records none of it.
  auto verdict = ledger.check_and_record(
      kScope, {people(0, 30), people(100, 110, "[\"Elders\"]"), people(200, 220, "[\"New\"]")},
      kMin);
  EXPECT_FALSE(verdict.allowed);
  EXPECT_EQ(verdict.group, "[\"Elders\"]");
  EXPECT_TRUE(ledger.check_and_record(kScope, {people(200, 210, "[\"New\"]")}, kMin).allowed)
      << "the New cell was not recorded, so another version of it is a first release";
}

TEST(ReleaseLedger, ACellReleasedInTooManyVersionsIsRefused) {
  // Ten people in every version and ten of its own: every atom holds ten.
  ReleaseLedger ledger;
  auto version = [](int v) {
    auto c = people(0, 10);
    for (int i = 0; i < 10; ++i) c = with(std::move(c), 1000 + v * 10 + i, 1000 + v * 10 + i);
    return c;
  };
  for (int v = 0; v < static_cast<int>(ReleaseLedger::kMaxVersionsPerCell); ++v) {
    ASSERT_TRUE(ledger.check_and_record(kScope, {version(v)}, kMin).allowed) << v;
  }
  auto verdict = ledger.check_and_record(kScope, {version(99)}, kMin);
  EXPECT_FALSE(verdict.allowed);
  EXPECT_TRUE(verdict.limit_reached);
  EXPECT_TRUE(ledger.check_and_record(kScope, {version(0)}, kMin).allowed) << "a repeat is fine";
}

TEST(ReleasedCells, FingerprintRowsStablyWithoutKeysAndSkipSmallCells) {
  AggregateSpec spec;
  spec.group_by = {"town"};
  spec.min_cell_size = 2;
  auto row = [](const std::string& key, const std::string& town, int debt) {
    return LinkedRow{key, {{"town", town}, {"debt", debt}}};
  };
  const std::vector<LinkedRow> rows = {row("100000001", "A", 5), row("100000001", "A", 5),
                                       row("100000002", "A", 7), row("100000003", "B", 1)};
  const std::string secret(40, 's');
  auto cells = released_cells(spec, rows, secret);
  ASSERT_EQ(cells.size(), 1u) << "B has one person";
  EXPECT_EQ(cells[0].group, "[\"A\"]");
  ASSERT_EQ(cells[0].rows.size(), 3u);
  EXPECT_NE(cells[0].rows[0].row, cells[0].rows[1].row) << "two identical cases are two rows";
  std::set<std::uint64_t> subjects;
  for (const auto& r : cells[0].rows) subjects.insert(r.subject);
  EXPECT_EQ(subjects.size(), 2u);
  EXPECT_EQ(released_cells(spec, rows, secret)[0].rows, cells[0].rows) << "stable across runs";
  EXPECT_NE(released_cells(spec, rows, std::string(40, 't'))[0].rows, cells[0].rows)
      << "keyed by the secret";
}

TEST(ReleasedCells, RowsCountInASumOnlyWhereItIsDelivered) {
  AggregateSpec spec;
  spec.group_by = {"town"};
  spec.min_cell_size = 2;
  spec.measures = {{"people", MeasureOp::CountSubjects, ""}, {"total", MeasureOp::Sum, "debt"}};
  auto row = [](const std::string& key, const std::string& town, nlohmann::json debt) {
    return LinkedRow{key, {{"town", town}, {"debt", std::move(debt)}}};
  };
  // A: two people with an amount. B: two people, one amount (its sum is left empty).
  const std::vector<LinkedRow> rows = {row("1", "A", 5), row("2", "A", 7), row("3", "B", 1),
                                       row("4", "B", nullptr)};
  auto cells = released_cells(spec, rows, std::string(40, 's'));
  ASSERT_EQ(cells.size(), 2u);
  for (const auto& r : cells[0].rows) EXPECT_EQ(r.summed, 2u) << "measure 1, the sum";
  for (const auto& r : cells[1].rows) EXPECT_EQ(r.summed, 0u) << "B's sum is not delivered";
}

}  // namespace
}  // namespace bronpoort::linkage
