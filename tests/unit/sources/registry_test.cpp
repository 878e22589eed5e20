// The source registry: the committed demo registrations load, and every kind of mistake in a
// source-holder file is reported with its file, JSON pointer and reason.
#include "registry_fixture.hpp"

#include <bronpoort/sources/registry.hpp>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>

namespace bronpoort::sources {
namespace {

namespace fs = std::filesystem;

TEST(SourceRegistry, LoadsTheDemoRegistrations) {
  auto reg = testing::demo_registry();
  ASSERT_TRUE(reg);
  const Dataset* persons = reg->dataset("persons");
  ASSERT_NE(persons, nullptr);
  const Resource* res = persons->resource("persons");
  ASSERT_NE(res, nullptr);
  EXPECT_EQ(res->id_field, "bsn");
  ASSERT_TRUE(res->subject);
  EXPECT_EQ(res->subject->type, "BSN");
  EXPECT_TRUE(res->field("birthDate")->is_date);
  EXPECT_EQ(reg->owner_oin("persons"), "00000099000000000001");
  EXPECT_EQ(reg->owner_oin("debt-assistance"), "00000099000000000005");
  EXPECT_EQ(reg->owner_oin("nope"), "");
  const Resource* cases = reg->dataset("debt-assistance")->resource("cases");
  ASSERT_NE(cases, nullptr);
  EXPECT_EQ(cases->connector.kind, ConnectorConfig::Kind::Postgres);
  EXPECT_EQ(cases->connector.postgres.columns.at("caseId"), "case_id");
  EXPECT_EQ(reg->dataset("addresses")->resource("addresses")->field("houseNumber")->type,
            FieldType::Integer);
  EXPECT_EQ(reg->dataset("sewage-surveillance")->category, Category::Sensor);
}

// Writes a source directory with one file and the demo schemas, for error tests.
class BrokenRegistration : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("bronpoort-sources-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "sources");
    fs::create_directories(dir_ / "schemas");
    fs::copy(fs::path(BRONPOORT_SOURCE_DIR) / "schemas/datasets", dir_ / "schemas");
    doc_ = nlohmann::json::parse(std::ifstream(fs::path(BRONPOORT_SOURCE_DIR) /
                                               "config/sources/kadaster-demo-addresses.json"));
  }
  void TearDown() override { fs::remove_all(dir_); }

  RegistryLoad load() {
    std::ofstream(dir_ / "sources/holder.json") << doc_.dump(2);
    return load_registry({{"directory", "sources"}, {"schemaDirectory", "schemas"}}, dir_.string());
  }
  // Expects exactly one error at `pointer` whose reason contains `reason`.
  void expect_error(const std::string& pointer, const std::string& reason) {
    auto r = load();
    EXPECT_FALSE(r.ok());
    bool found = false;
    for (const auto& e : r.errors) {
      if (e.pointer == pointer && e.reason.find(reason) != std::string::npos) found = true;
    }
    std::string all;
    for (const auto& e : r.errors) all += e.to_string() + "\n";
    EXPECT_TRUE(found) << "wanted " << pointer << ": " << reason << "\ngot:\n" << all;
  }
  nlohmann::json& resource() { return doc_["datasets"][0]["resources"][0]; }

  fs::path dir_;
  nlohmann::json doc_;
};

TEST_F(BrokenRegistration, AcceptsTheUnchangedFile) {
  auto r = load();
  ASSERT_TRUE(r.ok()) << r.errors.front().to_string();
  EXPECT_EQ(r.registry->datasets.size(), 1u);
}

TEST_F(BrokenRegistration, ReportsUnknownKeysWithTheirPointer) {
  resource()["connector"]["retries"] = 3;
  expect_error("/datasets/0/resources/0/connector/retries",
               "property 'retries' is not allowed (additionalProperties)");
}

TEST_F(BrokenRegistration, ReportsAShortOin) {
  doc_["organisation"]["oin"] = "1234";
  expect_error("/organisation/oin", "exactly 20 digits");
}

TEST_F(BrokenRegistration, ReportsAMissingContact) {
  doc_["organisation"].erase("contact");
  expect_error("/organisation", "required property 'contact' is missing");
}

TEST_F(BrokenRegistration, ReportsADatasetIdThatIsNotKebabCase) {
  doc_["datasets"][0]["id"] = "Addresses_2";
  expect_error("/datasets/0/id", "kebab-case");
}

TEST_F(BrokenRegistration, ReportsAnUnknownCategory) {
  doc_["datasets"][0]["category"] = "vehicle";
  expect_error("/datasets/0/category", R"(one of ["person","business","location","sensor"])");
}

TEST_F(BrokenRegistration, ReportsARelationToAnUnknownDataset) {
  resource()["relations"] = {{{"field", "addressId"}, {"dataset", "parcels"}, {"resource", "x"}}};
  expect_error("/datasets/0/resources/0/relations/0/dataset", "no registered dataset \"parcels\"");
}

TEST_F(BrokenRegistration, ReportsAnIdFieldOutsideTheSchema) {
  resource()["idField"] = "id";
  expect_error("/datasets/0/resources/0/idField", "not a field");
}

TEST_F(BrokenRegistration, ReportsAFieldWithoutDefinition) {
  resource()["fields"].erase(1);
  expect_error("/datasets/0/resources/0/fields", "field \"street\"");
}

TEST_F(BrokenRegistration, RefusesASchemaPathOutsideTheSchemaDirectory) {
  resource()["schema"] = "../../etc/passwd.json";
  expect_error("/datasets/0/resources/0/schema", "relative to the schema directory");
}

// Past the schema, the loader still refuses what a pattern cannot see.
TEST_F(BrokenRegistration, RefusesASchemaPathThatClimbsOutHalfway) {
  resource()["schema"] = "sub/../../../etc/passwd.json";
  expect_error("/datasets/0/resources/0/schema", "relative to the schema directory");
}

TEST_F(BrokenRegistration, ReportsABadBaseUrl) {
  resource()["connector"]["baseUrl"] = "ftp://user:pw@host/";
  expect_error("/datasets/0/resources/0/connector/baseUrl", "http:// or https://");
}

// The connector's kind decides which members it has: the error names the member, not "none of
// the alternatives".
TEST_F(BrokenRegistration, ReportsConnectorMembersOfTheOtherKind) {
  resource()["connector"]["kind"] = "postgres";
  auto r = load();
  ASSERT_FALSE(r.ok());
  std::set<std::string> pointers;
  for (const auto& e : r.errors) pointers.insert(e.pointer);
  // The HTTP members are not allowed for PostgreSQL, and dsn and table are missing.
  EXPECT_EQ(pointers, (std::set<std::string>{"/datasets/0/resources/0/connector",
                                             "/datasets/0/resources/0/connector/baseUrl",
                                             "/datasets/0/resources/0/connector/detailPath",
                                             "/datasets/0/resources/0/connector/maxConnections",
                                             "/datasets/0/resources/0/connector/maxResponseBytes",
                                             "/datasets/0/resources/0/connector/queryPath",
                                             "/datasets/0/resources/0/connector/readTimeoutMs"}));
}

TEST_F(BrokenRegistration, ReportsAnUnknownConnectorKind) {
  resource()["connector"]["kind"] = "ftp";
  auto r = load();
  ASSERT_EQ(r.errors.size(), 1u) << r.errors.front().to_string();
  EXPECT_EQ(r.errors[0].pointer, "/datasets/0/resources/0/connector/kind");
}

TEST_F(BrokenRegistration, RefusesALiteralPasswordInTheDsn) {
  resource()["connector"] = {{"kind", "postgres"},
                             {"dsn", "host=db user=reader password=hunter2"},
                             {"table", "addresses"}};
  expect_error("/datasets/0/resources/0/connector/dsn", "literal password");
}

TEST_F(BrokenRegistration, ReportsAnUnsetEnvironmentVariableInTheDsn) {
  resource()["connector"] = {{"kind", "postgres"},
                             {"dsn", "host=db password=${BRONPOORT_TEST_SURELY_UNSET}"},
                             {"table", "addresses"}};
  expect_error("/datasets/0/resources/0/connector/dsn", "BRONPOORT_TEST_SURELY_UNSET");
}

TEST_F(BrokenRegistration, SubstitutesTheDsnFromTheEnvironment) {
  ::setenv("BRONPOORT_TEST_PW", "s3cret", 1);
  resource()["connector"] = {{"kind", "postgres"},
                             {"dsn", "host=db password=${BRONPOORT_TEST_PW}"},
                             {"table", "public.addresses"}};
  auto r = load();
  ASSERT_TRUE(r.ok()) << r.errors.front().to_string();
  EXPECT_EQ(r.registry->datasets[0].resources[0].connector.postgres.dsn, "host=db password=s3cret");
}

TEST_F(BrokenRegistration, RefusesAHostileTableOrColumnName) {
  resource()["connector"] = {{"kind", "postgres"},
                             {"dsn", "host=db"},
                             {"table", "addresses; DROP TABLE x"},
                             {"columns", {{"street", "street\"--"}}}};
  expect_error("/datasets/0/resources/0/connector/table", "plain SQL identifier");
  expect_error("/datasets/0/resources/0/connector/columns/street", "column name");
}

TEST_F(BrokenRegistration, ReportsInvalidJsonWithTheFileName) {
  std::ofstream(dir_ / "sources/zz-broken.json") << "{ not json";
  auto r = load();
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.errors.back().file.find("zz-broken.json"), std::string::npos);
  EXPECT_EQ(r.errors.back().reason, "is not valid JSON");
}

TEST_F(BrokenRegistration, ReportsTheSameDatasetRegisteredTwice) {
  std::ofstream(dir_ / "sources/zz-second.json") << doc_.dump();
  auto r = load();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.errors.back().pointer, "/datasets/0/id");
  EXPECT_NE(r.errors.back().reason.find("already registered"), std::string::npos);
}

TEST(SourceRegistrySection, RejectsUnknownSectionKeys) {
  auto r = load_registry({{"directory", "sources"}, {"dir", "x"}}, "/nonexistent");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.errors[0].pointer, "/sources/dir");
}

}  // namespace
}  // namespace bronpoort::sources
