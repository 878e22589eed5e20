// The filters a caller may set on a linked query: the loader accepts only categories and
// coarsened dates of the first input, and a run's filters are checked against that declaration
// and turned into the first input's search filters. A range on an amount or an exact date could
// narrow a population until one person is left; both are refused.

#include "linkage_fixture.hpp"

#include <bronpoort/linkage/caller_filters.hpp>

#include <gtest/gtest.h>

namespace bronpoort::linkage {
namespace {

using nlohmann::json;
using testing::sample_purposes;
using testing::sample_query;
using testing::sample_resources;

ConfigErrors errors_of(const json& doc) {
  ConfigErrors errors;
  read_linked_query(doc, "q.json", sample_resources(), sample_purposes(), errors);
  return errors;
}

bool has_error(const ConfigErrors& errors, const std::string& pointer, const std::string& words) {
  for (const auto& e : errors) {
    if (e.pointer == pointer && e.reason.find(words) != std::string::npos) return true;
  }
  return false;
}

std::string dump(const ConfigErrors& errors) {
  std::string out;
  for (const auto& e : errors) out += e.to_string() + "\n";
  return out;
}

TEST(DeclaredFilters, LoadWithTheFieldTheyNarrowAndTheirValues) {
  const auto q = testing::sample_linked_query();
  ASSERT_EQ(q.filters.size(), 3u);
  const auto* status = q.filter("status");
  ASSERT_NE(status, nullptr);
  EXPECT_EQ(status->field, "status");
  EXPECT_EQ(status->values, (std::vector<std::string>{"open", "closed"}));
  const auto* year = q.filter("openedYear");
  ASSERT_NE(year, nullptr);
  EXPECT_EQ(year->field, "openedDate") << "a derived year narrows the date it comes from";
  EXPECT_EQ(year->date_part, "year");
  EXPECT_EQ(q.filter("debtAmount"), nullptr);
  ASSERT_TRUE(q.rows);
  EXPECT_EQ(q.rows->min_cohort, 3);
}

TEST(DeclaredFilters, AmountsExactDatesAgeBandsAndLaterInputsCannotBeDeclared) {
  auto doc = sample_query();
  doc["derived"].push_back({{"name", "caseAge"}, {"from", "openedDate"}, {"ageBands", {1, 2}}});
  doc["filters"] = json::array({{{"column", "debtAmount"}},
                                {{"column", "openedDate"}},
                                {{"column", "caseAge"}},
                                {{"column", "residence"}},
                                {{"column", "birthDate"}},
                                {{"column", "bsn"}},
                                {{"column", "status"}},
                                {{"column", "status"}},
                                {{"column", "ageGroup"}}});
  auto errors = errors_of(doc);
  EXPECT_TRUE(has_error(errors, "/filters/0/column", "one person's amount")) << dump(errors);
  EXPECT_TRUE(has_error(errors, "/filters/1/column", "exact date")) << dump(errors);
  EXPECT_TRUE(has_error(errors, "/filters/2/column", "age band")) << dump(errors);
  EXPECT_TRUE(has_error(errors, "/filters/3/column", "first input")) << dump(errors);
  EXPECT_TRUE(has_error(errors, "/filters/4/column", "first input")) << dump(errors);
  EXPECT_TRUE(has_error(errors, "/filters/5/column", "not a column")) << dump(errors);
  EXPECT_TRUE(has_error(errors, "/filters/7/column", "declared twice")) << dump(errors);
  EXPECT_FALSE(has_error(errors, "/filters/6/column", "")) << dump(errors);
  EXPECT_TRUE(has_error(errors, "/filters/8/column", "first input")) << dump(errors);
}

TEST(DeclaredFilters, ValuesOfADerivedDateMustBeYearsOrMonths) {
  auto doc = sample_query();
  doc["filters"][2]["values"] = {"2024", "2024-03-01"};
  auto errors = errors_of(doc);
  EXPECT_TRUE(has_error(errors, "/filters/2/values/1", "not a year")) << dump(errors);
  EXPECT_FALSE(has_error(errors, "/filters/2/values/0", "")) << dump(errors);
}

TEST(DeclaredFilters, RowsNeedAMinimumCohort) {
  auto doc = sample_query();
  doc["rows"].erase("minCohort");
  EXPECT_TRUE(has_error(errors_of(doc), "/rows", "minCohort")) << dump(errors_of(doc));
  doc["rows"]["minCohort"] = 1;  // a cohort of one is that person
  EXPECT_FALSE(errors_of(doc).empty());
}

TEST(CallerFilters, EqualityOnDeclaredColumnsBecomesTheFirstInputsFilters) {
  const auto q = testing::sample_linked_query();
  auto out = source_filters(q, {{"status", {{"eq", "open"}}},
                                {"municipality", {{"eq", "Demostad"}}},
                                {"openedYear", {{"eq", "2024"}}}});
  ASSERT_FALSE(out.problem) << out.problem->detail;
  EXPECT_EQ(out.filters, json({{"status", {{"eq", "open"}}},
                               {"municipality", {{"eq", "Demostad"}}},
                               {"openedDate", {{"gte", "2024-01-01"}, {"lt", "2025-01-01"}}}}));
  EXPECT_TRUE(source_filters(q, json::object()).filters.empty());
}

TEST(CallerFilters, AYearMonthIsAMonthLongRange) {
  auto doc = sample_query();
  doc["derived"][1]["datePart"] = "yearMonth";
  ConfigErrors errors;
  auto q = read_linked_query(doc, "q.json", sample_resources(), sample_purposes(), errors);
  ASSERT_TRUE(q) << dump(errors);
  auto out = source_filters(*q, {{"openedYear", {{"eq", "2024-12"}}}});
  ASSERT_FALSE(out.problem);
  EXPECT_EQ(out.filters["openedDate"], json({{"gte", "2024-12-01"}, {"lt", "2025-01-01"}}));
  EXPECT_TRUE(source_filters(*q, {{"openedYear", {{"eq", "2024-13"}}}}).problem);
}

TEST(CallerFilters, TheDifferencingAttackAndEverythingUndeclaredIsRefusedByName) {
  // The attack: openedDate lte D and lt D differ by the people whose case opened on D.
  const auto q = testing::sample_linked_query();
  const json attack = {{"openedDate", {{"lte", "2025-02-01"}}},
                       {"debtAmount", {{"gte", 19999}}},
                       {"bsn", {{"eq", "100000000"}}},
                       {"status", {{"in", {"open", "closed"}}}},
                       {"municipality", {{"eq", "Demostad"}, {"lt", "E"}}},
                       {"openedYear", {{"eq", "2024-02-01"}}}};
  auto out = source_filters(q, attack);
  ASSERT_TRUE(out.problem);
  EXPECT_EQ(out.problem->status, 400);
  EXPECT_EQ(out.problem->code, "filter-not-allowed");
  EXPECT_NE(out.problem->detail.find("municipality, status, openedYear"), std::string::npos)
      << out.problem->detail;
  EXPECT_TRUE(out.filters.empty()) << "nothing to fetch with";
  std::map<std::string, std::string> reasons;
  for (const auto& p : out.problem->invalid_params) reasons[p.name] = p.reason;
  EXPECT_EQ(reasons.size(), 6u);
  EXPECT_NE(reasons["/filters/openedDate"].find("not a filter"), std::string::npos);
  EXPECT_NE(reasons["/filters/debtAmount"].find("not a filter"), std::string::npos);
  EXPECT_NE(reasons["/filters/bsn"].find("key"), std::string::npos);
  EXPECT_NE(reasons["/filters/status"].find("equality"), std::string::npos);
  EXPECT_NE(reasons["/filters/municipality"].find("equality"), std::string::npos);
  EXPECT_NE(reasons["/filters/openedYear"].find("year"), std::string::npos);
}

TEST(CallerFilters, OnlyTheDeclaredValuesOfAColumn) {
  const auto q = testing::sample_linked_query();
  auto out = source_filters(q, {{"status", {{"eq", "referred"}}}});
  ASSERT_TRUE(out.problem);
  ASSERT_EQ(out.problem->invalid_params.size(), 1u);
  EXPECT_NE(out.problem->invalid_params[0].reason.find("open, closed"), std::string::npos);
}

}  // namespace
}  // namespace bronpoort::linkage
