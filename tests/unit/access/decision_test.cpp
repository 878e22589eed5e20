// Decision table: roles × purposes × grants × fields × scope, each row pinning the outcome code
// and the released fields.
#include <bronpoort/access/decision.hpp>

#include "unit/access/access_test_support.hpp"

#include <gtest/gtest.h>

namespace bronpoort::access {
namespace {

using namespace test;

const std::vector<std::string> kPersonFields = {"bsn", "givenName", "familyName", "birthDate",
                                                "addressId"};
const std::vector<std::string> kMeasurementFields = {"measurementId", "plantId", "plantName",
                                                     "date",          "virus",   "concentration"};

std::shared_ptr<const PolicySnapshot> policy() {
  auto intake = purpose("intake", {"case-worker"},
                        {{"persons", {{"persons", kPersonFields}}},
                         {"debt-assistance", {{"cases", {"caseId", "bsn", "status"}}}}});
  auto standing = purpose("address-check", {"case-worker", "public-officer"},
                          {{"addresses", {{"addresses", {"addressId", "street", "city"}}}}},
                          PurposeScope::Case, true);
  auto monitor = purpose("monitor", {"analyst"},
                         {{"persons", {{"persons", {"bsn", "birthDate"}}}},
                          {"sensors", {{"measurements", kMeasurementFields}}}},
                         PurposeScope::Dataset);
  auto expired = purpose("expired", {"case-worker"}, {{"persons", {{"persons", kPersonFields}}}},
                         PurposeScope::Case, true);
  expired.valid_until = day(2025, 1, 1);
  auto future = purpose("future", {"case-worker"}, {{"persons", {{"persons", kPersonFields}}}},
                        PurposeScope::Case, true);
  future.valid_from = day(2027, 1, 1);
  auto purposes = std::make_shared<const std::vector<Purpose>>(
      std::vector<Purpose>{intake, standing, monitor, expired, future});
  std::vector<Grant> grants = {
      // birthDate is granted beyond nothing: "secret" is outside the purpose's coverage.
      grant("g-intake", kGemeente, "case-worker", "intake", "persons", "persons",
            {"bsn", "givenName", "familyName", "secret"}),
      grant("g-monitor-p", kBureau, "analyst", "monitor", "persons", "persons",
            {"bsn", "birthDate"}),
      grant("g-monitor-s", kBureau, "analyst", "monitor", "sensors", "measurements",
            kMeasurementFields),
      grant("g-cases-old", kGemeente, "case-worker", "intake", "debt-assistance", "cases",
            {"caseId", "bsn", "status"}, at(2026, 1, 1)),
  };
  return std::make_shared<const PolicySnapshot>(purposes, std::move(grants));
}

struct Row {
  const char* name;
  Identity who;
  std::string purpose;
  RouteMatch route;
  DataQuery query;
  std::string code;  // "" when allowed
  std::vector<std::string> fields_granted = {};
  std::vector<std::string> fields_withheld = {};
  bool via_linkage = false;
};

DataQuery with_fields(DataQuery q, std::vector<std::string> fields) {
  q.fields = std::move(fields);
  return q;
}

DataQuery sorted_by(DataQuery q, std::string field) {
  q.sort.push_back({std::move(field), true});
  return q;
}

DataQuery also(DataQuery q, FilterCondition f) {
  q.filters.push_back(std::move(f));
  return q;
}

DataQuery detail(std::string id) {
  DataQuery q;
  q.operation = DataOperation::Detail;
  q.id = std::move(id);
  return q;
}

std::vector<Row> rows() {
  const auto worker = caller(kGemeente, {"case-worker"});
  const auto analyst = caller(kBureau, {"analyst"});
  const auto one = search_by("bsn", "999990019");
  auto limited = worker;
  limited.allowed_purposes = std::vector<std::string>{"address-check"};
  FilterCondition two_in = eq("bsn", "999990019");
  two_in.op = FilterOp::In;
  two_in.values.push_back("999990020");
  DataQuery in_two;
  in_two.filters = {two_in};
  const auto addresses = data_route("addresses", "addresses", "addressId", "", kRvig);
  const auto addresses_detail =
      data_route("addresses", "addresses", "addressId", "", kRvig, DataOperation::Detail);
  const auto sensors = data_route("sensors", "measurements", "measurementId", "", kRivm);
  const auto cases = data_route("debt-assistance", "cases", "caseId", "bsn", kGemeente);

  return {
      {"UnknownPurpose", worker, "no-such-purpose", persons_route(), one, "purpose-unknown"},
      {"ExpiredPurpose", worker, "expired", persons_route(), one, "purpose-expired"},
      {"FuturePurpose", worker, "future", persons_route(), one, "purpose-not-yet-valid"},
      {"RoleNotAllowed", analyst, "intake", persons_route(), one, "role-not-allowed"},
      {"CitizenRoleNotAllowed", citizen("999990019"), "intake", persons_route(), one,
       "role-not-allowed"},
      {"TokenExcludesPurpose", limited, "intake", persons_route(), one, "purpose-not-in-token"},
      {"PurposeDoesNotCover", worker, "intake", sensors, one, "purpose-does-not-cover"},
      {"OtherOrganisationHasNoGrant", caller(kBureau, {"case-worker"}), "intake", persons_route(),
       one, "no-grant"},
      {"ExpiredGrantIsNoGrant", worker, "intake", cases, search_by("bsn", "1"), "no-grant"},
      {"CaseScopeWithoutFilter", worker, "intake", persons_route(), DataQuery{},
       "case-scope-requires-subject"},
      {"CaseScopeWithTwoSubjects", worker, "intake", persons_route(), in_two,
       "case-scope-requires-subject"},
      {"CaseScopeWithTwoEqualities", worker, "intake", persons_route(),
       also(one, eq("bsn", "999990020")), "case-scope-requires-subject"},
      {"CaseScopeOneSubject",
       worker,
       "intake",
       persons_route(),
       one,
       "",
       {"bsn", "familyName", "givenName"}},
      {"FilterOutsideGrant", worker, "intake", persons_route(),
       also(one, eq("birthDate", "1980-01-01")), "field-not-granted"},
      {"SortOutsideGrant", worker, "intake", persons_route(), sorted_by(one, "birthDate"),
       "field-not-granted"},
      {"RequestedFieldsOutsideGrantWithheld",
       worker,
       "intake",
       persons_route(),
       with_fields(one, {"givenName", "birthDate", "secret"}),
       "",
       {"givenName"},
       {"birthDate", "secret"}},
      {"StandingApprovalDetail",
       caller(kBureau, {"public-officer"}),
       "address-check",
       addresses_detail,
       detail("0363200000123456"),
       "",
       {"addressId", "city", "street"}},
      {"StandingApprovalStillCaseScope", worker, "address-check", addresses, DataQuery{},
       "case-scope-requires-subject"},
      {"DatasetScopeRefusesPersonalRecords", analyst, "monitor", persons_route(),
       search_by("birthDate", "1980-01-01"), "dataset-scope-requires-linkage"},
      {"DatasetScopeViaLinkage",
       analyst,
       "monitor",
       persons_route(),
       DataQuery{},
       "",
       {"birthDate", "bsn"},
       {},
       true},
      {"DatasetScopeNonPersonalData", analyst, "monitor", sensors, DataQuery{}, "",
       kMeasurementFields},
  };
}

class DecisionTable : public ::testing::TestWithParam<Row> {};

TEST_P(DecisionTable, Decides) {
  const auto& row = GetParam();
  auto snapshot = policy();
  auto out = decide(*snapshot,
                    {row.who, row.purpose, row.route, row.query, at(2026, 6, 1), row.via_linkage});
  EXPECT_TRUE(out.decision.evaluated);
  if (row.code.empty()) {
    ASSERT_FALSE(out.problem) << out.problem->code << ": " << out.problem->detail;
    EXPECT_TRUE(out.decision.allowed);
    auto granted = out.decision.fields_granted;
    auto expected = row.fields_granted;
    std::sort(granted.begin(), granted.end());
    std::sort(expected.begin(), expected.end());
    EXPECT_EQ(granted, expected);
    auto withheld = out.decision.fields_withheld;
    std::sort(withheld.begin(), withheld.end());
    EXPECT_EQ(withheld, row.fields_withheld);
  } else {
    ASSERT_TRUE(out.problem);
    EXPECT_EQ(out.problem->code, row.code) << out.problem->detail;
    EXPECT_EQ(out.problem->status, row.code == "field-not-granted" ? 400 : 403);
    EXPECT_FALSE(out.decision.allowed);
    EXPECT_EQ(out.decision.code, row.code);
    EXPECT_FALSE(out.problem->detail.empty());
  }
}

INSTANTIATE_TEST_SUITE_P(Access, DecisionTable, ::testing::ValuesIn(rows()),
                         [](const auto& row_info) { return std::string(row_info.param.name); });

// A linked query's input: the grant must cover every field the query reads, or nothing runs.
TEST(Decision, LinkedInputNeedsEveryFieldItReads) {
  auto snapshot = policy();
  auto analyst = caller(kBureau, {"analyst"});
  AccessDecision decision;
  EXPECT_FALSE(check_linked_input(*snapshot, analyst, "monitor", "persons", "persons",
                                  {"bsn", "birthDate"}, at(2026, 6, 1), decision));
  EXPECT_EQ(decision.grant_id, "g-monitor-p");
  EXPECT_EQ(decision.role, "analyst");

  AccessDecision refused;
  auto problem =
      check_linked_input(*snapshot, caller(kGemeente, {"case-worker"}), "intake", "persons",
                         "persons", {"bsn", "birthDate"}, at(2026, 6, 1), refused);
  ASSERT_TRUE(problem);
  EXPECT_EQ(problem->status, 403);
  EXPECT_EQ(problem->code, "field-not-granted");
  EXPECT_NE(problem->detail.find("birthDate"), std::string::npos);
  EXPECT_NE(problem->detail.find("POST /v1/access-requests"), std::string::npos);
  EXPECT_TRUE(refused.grant_id.empty());

  // No grant at all for the caller's organisation: refused by the grant check itself.
  AccessDecision none;
  EXPECT_TRUE(check_linked_input(*snapshot, caller(kGemeente, {"analyst"}), "monitor", "persons",
                                 "persons", {"bsn"}, at(2026, 6, 1), none));
}

TEST(Decision, NoGrantNamesTheAccessRequestToFile) {
  auto snapshot = policy();
  auto who = caller(kBureau, {"case-worker"});
  auto q = with_fields(search_by("bsn", "999990019"), {"givenName", "nonsense"});
  auto out = decide(*snapshot, {who, "intake", persons_route(), q, at(2026, 6, 1)});
  ASSERT_TRUE(out.problem);
  const auto& detail = out.problem->detail;
  EXPECT_NE(detail.find("POST /v1/access-requests"), std::string::npos);
  auto body = nlohmann::json::parse(detail.substr(detail.find('{')));
  EXPECT_EQ(body["role"], "case-worker");
  EXPECT_EQ(body["purpose"], "intake");
  EXPECT_EQ(body["dataset"], "persons");
  EXPECT_EQ(body["resource"], "persons");
  EXPECT_EQ(body["fields"], nlohmann::json::array({"givenName"}));  // only covered fields
}

TEST(Decision, ExpiredGrantIsNamedInTheDetail) {
  auto snapshot = policy();
  auto out = decide(*snapshot, {caller(kGemeente, {"case-worker"}), "intake",
                                data_route("debt-assistance", "cases", "caseId", "bsn", kGemeente),
                                search_by("bsn", "1"), at(2026, 6, 1)});
  ASSERT_TRUE(out.problem);
  EXPECT_NE(out.problem->detail.find("g-cases-old expired"), std::string::npos);
  // Before its end the same grant allows.
  auto before =
      decide(*snapshot, {caller(kGemeente, {"case-worker"}), "intake",
                         data_route("debt-assistance", "cases", "caseId", "bsn", kGemeente),
                         search_by("bsn", "1"), at(2025, 12, 31)});
  EXPECT_FALSE(before.problem);
  EXPECT_EQ(before.decision.grant_id, "g-cases-old");
}

TEST(Decision, FilterOutsideGrantNamesTheParameter) {
  auto snapshot = policy();
  auto q = sorted_by(also(search_by("bsn", "1"), eq("birthDate", "1980-01-01")), "birthDate");
  auto out = decide(*snapshot, {caller(kGemeente, {"case-worker"}), "intake", persons_route(), q,
                                at(2026, 6, 1)});
  ASSERT_TRUE(out.problem);
  ASSERT_EQ(out.problem->invalid_params.size(), 2u);
  EXPECT_EQ(out.problem->invalid_params[0].name, "/filters/birthDate/eq");
  EXPECT_EQ(out.problem->invalid_params[1].name, "sort");
}

TEST(Decision, RecordsPurposeLegalBasisAndGrantWhenAllowed) {
  auto snapshot = policy();
  auto out = decide(*snapshot, {caller(kGemeente, {"analyst", "case-worker"}), "intake",
                                persons_route(), search_by("bsn", "1"), at(2026, 6, 1)});
  ASSERT_FALSE(out.problem);
  EXPECT_EQ(out.decision.role, "case-worker");
  EXPECT_EQ(out.decision.grant_id, "g-intake");
  EXPECT_EQ(out.decision.legal_basis, "Testwet, artikel 1");
  EXPECT_EQ(out.decision.processing_activity, "https://register.example.nl/va/intake");
  EXPECT_EQ(out.decision.scope, PurposeScope::Case);
}

TEST(Decision, PurposeValidityIncludesItsLastDay) {
  auto snapshot = policy();
  auto who = caller(kGemeente, {"case-worker"});
  auto q = search_by("bsn", "1");
  auto last = at(2024, 12, 31) + std::chrono::hours{23};
  EXPECT_FALSE(decide(*snapshot, {who, "expired", persons_route(), q, last}).problem);
  EXPECT_EQ(decide(*snapshot, {who, "expired", persons_route(), q, at(2025, 1, 2)}).problem->code,
            "purpose-expired");
}

}  // namespace
}  // namespace bronpoort::access
