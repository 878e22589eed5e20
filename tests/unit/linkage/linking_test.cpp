// The trusted third party's own work: linking on the key, derived columns, aggregates with small
// cells suppressed, and pseudonyms that differ per recipient and purpose. The attacks: a key never
// appears in a delivery, a small cell cannot be recovered, a pseudonym cannot be linked across
// recipients or purposes or computed without the secret.

#include "linkage_fixture.hpp"

#include <bronpoort/linkage/linking.hpp>

#include <gtest/gtest.h>

#include <map>
#include <set>

namespace bronpoort::linkage {
namespace {

using nlohmann::json;

const std::string kSecret(40, 'k');
constexpr std::chrono::year_month_day kToday{std::chrono::year{2026}, std::chrono::month{11},
                                             std::chrono::day{23}};

json a_case(const std::string& bsn, const std::string& municipality, double debt,
            const std::string& opened = "2025-03-01") {
  return {{"bsn", bsn},
          {"municipality", municipality},
          {"openedDate", opened},
          {"status", "open"},
          {"debtAmount", debt}};
}
json a_person(const std::string& bsn, const std::string& born, const std::string& residence) {
  return {{"bsn", bsn}, {"birthDate", born}, {"municipality", residence}};
}

TEST(Linking, InnerJoinOnTheKeyWithRenamedColumns) {
  const auto q = testing::sample_linked_query();
  std::vector<std::vector<json>> records = {
      {a_case("111", "Demostad", 100), a_case("222", "Demostad", 200), a_case("999", "X", 5)},
      {a_person("111", "1990-01-01", "Demostad"), a_person("222", "1980-06-15", "Elders")}};
  auto out = link_inputs(q, records, 100);
  ASSERT_FALSE(out.problem);
  ASSERT_EQ(out.rows.size(), 2u) << "999 has no person: no row";
  EXPECT_EQ(out.rows[0].key, "111");
  EXPECT_EQ(out.rows[0].columns["municipality"], "Demostad");
  EXPECT_EQ(out.rows[1].columns["residence"], "Elders");
  EXPECT_EQ(out.rows[1].columns["debtAmount"], 200);
  EXPECT_FALSE(out.rows[0].columns.contains("bsn")) << "the key is not a column";
}

TEST(Linking, OnePersonWithTwoCasesGivesTwoRows) {
  const auto q = testing::sample_linked_query();
  std::vector<std::vector<json>> records = {
      {a_case("111", "Demostad", 100), a_case("111", "Demostad", 50)},
      {a_person("111", "1990-01-01", "Demostad")}};
  auto out = link_inputs(q, records, 100);
  ASSERT_EQ(out.rows.size(), 2u);
  EXPECT_EQ(out.rows[0].key, out.rows[1].key);
}

TEST(Linking, RecordsWithoutKeyAreLeftOutAndIntegerKeysMatchTheirText) {
  EXPECT_EQ(key_of({{"bsn", 111}}, "bsn"), "111");
  EXPECT_EQ(key_of({{"bsn", nullptr}}, "bsn"), std::nullopt);
  EXPECT_EQ(key_of({{"bsn", json::array()}}, "bsn"), std::nullopt);
  EXPECT_EQ(key_of(json::object(), "bsn"), std::nullopt);
}

TEST(Linking, MoreRowsThanAllowedIsRefusedNotCut) {
  const auto q = testing::sample_linked_query();
  std::vector<std::vector<json>> records(2);
  for (int i = 0; i < 20; ++i) {
    records[0].push_back(a_case(std::to_string(i), "D", 1));
    records[1].push_back(a_person(std::to_string(i), "1990-01-01", "D"));
  }
  auto out = link_inputs(q, records, 19);
  ASSERT_TRUE(out.problem);
  EXPECT_EQ(out.problem->status, 422);
  EXPECT_EQ(out.problem->code, "linkage-too-large");
  EXPECT_TRUE(out.rows.empty()) << "no partial result";
  EXPECT_EQ(link_inputs(q, records, 20).rows.size(), 20u);
}

TEST(Linking, AgeBandsAndDateParts) {
  EXPECT_EQ(age_band(5, {18, 27}), "<18");
  EXPECT_EQ(age_band(18, {18, 27}), "18-26");
  EXPECT_EQ(age_band(26, {18, 27}), "18-26");
  EXPECT_EQ(age_band(27, {18, 27}), "27+");
  EXPECT_EQ(age_band(90, {18, 27}), "27+");

  const auto q = testing::sample_linked_query();
  std::vector<LinkedRow> rows(4);
  rows[0].columns = {{"birthDate", "2008-11-23"}, {"openedDate", "2025-03-01"}};  // 18 today
  rows[1].columns = {{"birthDate", "2008-11-24"}, {"openedDate", "2024-12-31"}};  // 17 today
  rows[2].columns = {{"birthDate", "not a date"}, {"openedDate", "2024-02-30"}};
  rows[3].columns = {{"birthDate", nullptr}};
  add_derived(q, rows, kToday);
  EXPECT_EQ(rows[0].columns["ageGroup"], "18-26");
  EXPECT_EQ(rows[0].columns["openedYear"], "2025");
  EXPECT_EQ(rows[1].columns["ageGroup"], "<18");
  EXPECT_EQ(rows[1].columns["openedYear"], "2024");
  EXPECT_TRUE(rows[2].columns["ageGroup"].is_null());
  EXPECT_TRUE(rows[2].columns["openedYear"].is_null()) << "30 February is no date";
  EXPECT_TRUE(rows[3].columns["ageGroup"].is_null());
}

std::vector<LinkedRow> population(const std::string& municipality, int people, double debt,
                                  int first_key) {
  std::vector<LinkedRow> rows;
  for (int i = 0; i < people; ++i) {
    LinkedRow r;
    r.key = std::to_string(first_key + i);
    r.columns = {{"municipality", municipality}, {"ageGroup", "27-44"}, {"debtAmount", debt}};
    rows.push_back(std::move(r));
  }
  return rows;
}

TEST(Aggregate, CountsSumsAndAveragesPerCell) {
  const auto q = testing::sample_linked_query();
  auto rows = population("Demostad", 4, 1000, 0);
  auto more = population("Demostad", 1, 3000, 0);  // a second case for person "0"
  rows.insert(rows.end(), more.begin(), more.end());
  auto out = aggregate(*q.aggregate, rows);
  ASSERT_EQ(out["cells"].size(), 1u);
  const auto& cell = out["cells"][0];
  EXPECT_EQ(cell["municipality"], "Demostad");
  EXPECT_EQ(cell["ageGroup"], "27-44");
  EXPECT_EQ(cell["people"], 4) << "distinct subjects";
  EXPECT_EQ(cell["cases"], 5) << "linked rows";
  EXPECT_DOUBLE_EQ(cell["totalDebt"].get<double>(), 7000);
  EXPECT_DOUBLE_EQ(cell["averageDebt"].get<double>(), 1400);
  EXPECT_EQ(out["suppressedCells"], 0);
}

TEST(Aggregate, SmallCellsAreSuppressedAndNoTotalsReveal) {
  // minCellSize 3: Demostad has 5 people, Elders 2 (one of them with a huge debt).
  const auto q = testing::sample_linked_query();
  auto rows = population("Demostad", 5, 100, 0);
  auto small = population("Elders", 2, 99999, 100);
  rows.insert(rows.end(), small.begin(), small.end());
  auto out = aggregate(*q.aggregate, rows);
  ASSERT_EQ(out["cells"].size(), 1u);
  EXPECT_EQ(out["cells"][0]["municipality"], "Demostad");
  EXPECT_EQ(out["suppressedCells"], 1);
  EXPECT_EQ(out.size(), 2u) << "cells and suppressedCells only: no totals to subtract from";
  EXPECT_EQ(out.dump().find("99999"), std::string::npos);
  EXPECT_EQ(out.dump().find("Elders"), std::string::npos);
}

TEST(Aggregate, ManyRowsOfOnePersonDoNotMakeACellBigEnough) {
  // Ten cases of one person are still one person.
  const auto q = testing::sample_linked_query();
  std::vector<LinkedRow> rows;
  for (int i = 0; i < 10; ++i) {
    auto one = population("Demostad", 1, 10, 7);
    rows.push_back(one[0]);
  }
  auto out = aggregate(*q.aggregate, rows);
  EXPECT_TRUE(out["cells"].empty());
  EXPECT_EQ(out["suppressedCells"], 1);
}

TEST(Aggregate, SumsAndAveragesAreGivenToTwoDecimals) {
  const auto q = testing::sample_linked_query();
  auto rows = population("Demostad", 3, 0.1, 0);
  rows[2].columns["debtAmount"] = 0.2;
  auto out = aggregate(*q.aggregate, rows);
  ASSERT_EQ(out["cells"].size(), 1u);
  EXPECT_EQ(out["cells"][0]["totalDebt"].dump(), "0.4");
  EXPECT_EQ(out["cells"][0]["averageDebt"].dump(), "0.13");
}

TEST(Aggregate, AverageOfNoNumbersIsNull) {
  // The total used to be 0 here; a sum over fewer people than the minimum is now left empty
  // too, and no values at all is the extreme of that.
  const auto q = testing::sample_linked_query();
  auto rows = population("Demostad", 3, 0, 0);
  for (auto& r : rows) r.columns["debtAmount"] = nullptr;
  auto out = aggregate(*q.aggregate, rows);
  ASSERT_EQ(out["cells"].size(), 1u);
  EXPECT_TRUE(out["cells"][0]["averageDebt"].is_null());
  EXPECT_TRUE(out["cells"][0]["totalDebt"].is_null());
}

TEST(Aggregate, ASumOverFewerPeopleThanTheMinimumIsLeftEmpty) {
  // Three people (the minimum), two without an amount: the sum would be the third's debt.
  const auto q = testing::sample_linked_query();
  auto rows = population("Demostad", 3, 54321, 0);
  rows[0].columns["debtAmount"] = nullptr;
  rows[1].columns["debtAmount"] = nullptr;
  auto out = aggregate(*q.aggregate, rows);
  ASSERT_EQ(out["cells"].size(), 1u);
  EXPECT_EQ(out["cells"][0]["people"], 3) << "the cell itself is big enough";
  EXPECT_TRUE(out["cells"][0]["totalDebt"].is_null());
  EXPECT_TRUE(out["cells"][0]["averageDebt"].is_null());
  EXPECT_EQ(out.dump().find("54321"), std::string::npos);
}

TEST(Pseudonym, StablePerRecipientAndPurposeAndDistinctOtherwise) {
  const auto p = recipient_pseudonym(kSecret, "00000001", "debt-monitor", "BSN", "111");
  EXPECT_EQ(p, recipient_pseudonym(kSecret, "00000001", "debt-monitor", "BSN", "111"));
  EXPECT_EQ(p.size(), 43u) << "256 bits, base64url without padding";
  EXPECT_EQ(p.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
            std::string::npos);
  std::set<std::string> all = {
      p,
      recipient_pseudonym(kSecret, "00000002", "debt-monitor", "BSN", "111"),   // recipient
      recipient_pseudonym(kSecret, "00000001", "other-purpose", "BSN", "111"),  // purpose
      recipient_pseudonym(kSecret, "00000001", "debt-monitor", "BSN", "112"),   // subject
      recipient_pseudonym(std::string(40, 'x'), "00000001", "debt-monitor", "BSN", "111"),
  };
  EXPECT_EQ(all.size(), 5u);
}

TEST(Pseudonym, PartsCannotBeShiftedIntoOneAnother) {
  // Without length prefixes ("ab","c") and ("a","bc") would be one input.
  EXPECT_NE(recipient_pseudonym(kSecret, "ab", "c", "BSN", "1"),
            recipient_pseudonym(kSecret, "a", "bc", "BSN", "1"));
  EXPECT_NE(recipient_pseudonym(kSecret, "1", "p", "BSN", "23"),
            recipient_pseudonym(kSecret, "12", "p", "BSN", "3"));
}

TEST(Pseudonym, RowsCarryThePseudonymAndNeverTheKey) {
  const auto q = testing::sample_linked_query();
  std::vector<std::vector<json>> records = {
      {a_case("123456782", "Demostad", 100), a_case("123456782", "Demostad", 50),
       a_case("987654321", "Demostad", 10)},
      {a_person("123456782", "1990-01-01", "Demostad"),
       a_person("987654321", "1970-01-01", "Demostad")}};
  auto linked = link_inputs(q, records, 100);
  add_derived(q, linked.rows, kToday);
  auto rows = pseudonymised_rows(*q.rows, linked.rows, kSecret, "00000001", "debt-monitor", "BSN");
  ASSERT_EQ(rows.size(), 3u);
  const auto first = recipient_pseudonym(kSecret, "00000001", "debt-monitor", "BSN", "123456782");
  const auto second = recipient_pseudonym(kSecret, "00000001", "debt-monitor", "BSN", "987654321");
  std::map<std::string, int> per_pseudonym;
  for (const auto& row : rows) ++per_pseudonym[row["pseudonym"].get<std::string>()];
  EXPECT_EQ(per_pseudonym, (std::map<std::string, int>{{first, 2}, {second, 1}}))
      << "one person, one pseudonym";
  for (std::size_t i = 1; i < rows.size(); ++i) {
    EXPECT_LE(rows[i - 1]["pseudonym"], rows[i]["pseudonym"]) << "ordered by pseudonym, not key";
  }
  for (const auto& row : rows) {
    const bool older = row["pseudonym"] == second;
    EXPECT_EQ(row["ageGroup"], older ? "45-66" : "27-44");
  }
  EXPECT_EQ(rows[0].size(), 1 + q.rows->columns.size()) << "pseudonym and the named columns only";
  const auto text = rows.dump();
  EXPECT_EQ(text.find("123456782"), std::string::npos);
  EXPECT_EQ(text.find("987654321"), std::string::npos);
  EXPECT_EQ(text.find("1990-01-01"), std::string::npos) << "birth date only as age group";
}

}  // namespace
}  // namespace bronpoort::linkage
