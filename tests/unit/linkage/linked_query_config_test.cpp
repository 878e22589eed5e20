// Linked-query files and the linkage section: a valid query loads; every mistake, and every
// attempt to configure a delivery that would release who someone is, is an error with its pointer.

#include "linkage_fixture.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>

namespace bronpoort::linkage {
namespace {

namespace fs = std::filesystem;
using testing::sample_purposes;
using testing::sample_query;
using testing::sample_resources;

ConfigErrors errors_of(const nlohmann::json& doc) {
  ConfigErrors errors;
  auto q = read_linked_query(doc, "q.json", sample_resources(), sample_purposes(), errors);
  EXPECT_EQ(q.has_value(), errors.empty());
  return errors;
}

// True when some error is at `pointer` and its reason contains `words`.
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

TEST(LinkedQueryConfig, SampleLoadsWithColumnsKeyTypeAndPageSize) {
  ConfigErrors errors;
  auto q =
      read_linked_query(sample_query(), "q.json", sample_resources(), sample_purposes(), errors);
  ASSERT_TRUE(q) << dump(errors);
  EXPECT_EQ(q->id, "debt-by-age");
  ASSERT_EQ(q->inputs.size(), 2u);
  EXPECT_EQ(q->inputs[0].key_type, "BSN");
  EXPECT_EQ(q->inputs[0].page_size, 500);
  EXPECT_EQ(q->inputs[1].fields[1].field, "municipality");
  EXPECT_EQ(q->inputs[1].fields[1].column, "residence");
  EXPECT_EQ(q->inputs[1].fetched_fields(),
            (std::vector<std::string>{"bsn", "birthDate", "municipality"}));
  ASSERT_EQ(q->derived.size(), 2u);
  EXPECT_EQ(q->derived[0].age_bands, (std::vector<int>{18, 27, 45, 67}));
  EXPECT_EQ(q->derived[1].date_part, "year");
  ASSERT_TRUE(q->aggregate);
  EXPECT_EQ(q->aggregate->measures[2].op, MeasureOp::Sum);
  EXPECT_EQ(q->aggregate->min_cell_size, 3);
  ASSERT_TRUE(q->rows);
}

TEST(LinkedQueryConfig, SchemaViolationsAreReportedWithPointers) {
  auto doc = sample_query();
  doc["aggregate"]["minCellSize"] = 1;  // a cell of one person is that person
  doc["inputs"].erase(1);               // linking needs two inputs
  doc["colour"] = "blue";
  auto errors = errors_of(doc);
  EXPECT_TRUE(has_error(errors, "/aggregate/minCellSize", "")) << dump(errors);
  EXPECT_TRUE(has_error(errors, "/inputs", "")) << dump(errors);
  EXPECT_TRUE(has_error(errors, "/colour", "") || has_error(errors, "", "colour")) << dump(errors);
}

TEST(LinkedQueryConfig, NoDeliveryIsAnError) {
  auto doc = sample_query();
  doc.erase("aggregate");
  doc.erase("rows");
  EXPECT_FALSE(errors_of(doc).empty());
}

TEST(LinkedQueryConfig, UnknownOrCasePurposeIsRefused) {
  auto doc = sample_query();
  doc["purpose"] = "no-such-purpose";
  EXPECT_TRUE(has_error(errors_of(doc), "/purpose", "purpose register"));
  // A case purpose serves one person's file: linking whole populations is not what it allows.
  doc["purpose"] = "casework";
  EXPECT_TRUE(has_error(errors_of(doc), "/purpose", "scope dataset"));
}

TEST(LinkedQueryConfig, UnknownResourceAndFieldAreNamed) {
  auto doc = sample_query();
  doc["inputs"][1]["resource"] = "people";
  doc["inputs"][0]["fields"][1] = "openingDate";
  auto errors = errors_of(doc);
  EXPECT_TRUE(has_error(errors, "/inputs/1/resource", "no resource persons/people"))
      << dump(errors);
  EXPECT_TRUE(has_error(errors, "/inputs/0/fields/1", "'openingDate' is not a field"))
      << dump(errors);
}

TEST(LinkedQueryConfig, KeyMustBeTheDataSubjectField) {
  auto doc = sample_query();
  doc["inputs"][0]["key"] = "caseId";
  EXPECT_TRUE(has_error(errors_of(doc), "/inputs/0/key", "data subject field 'bsn'"));
}

TEST(LinkedQueryConfig, ResourceWithoutDataSubjectsCannotBeLinked) {
  auto doc = sample_query();
  doc["inputs"][1] = {{"name", "addresses"},
                      {"dataset", "addresses"},
                      {"resource", "addresses"},
                      {"key", "addressId"},
                      {"fields", {"municipality"}}};
  EXPECT_TRUE(has_error(errors_of(doc), "/inputs/1/key", "not about data subjects"));
}

TEST(LinkedQueryConfig, KeysOfDifferentKindsDoNotLink) {
  auto doc = sample_query();
  doc["inputs"][1] = {{"name", "vehicles"},
                      {"dataset", "vehicles"},
                      {"resource", "vehicles"},
                      {"key", "plate"},
                      {"fields", {"make"}}};
  EXPECT_TRUE(has_error(errors_of(doc), "/inputs/1/key", "links KENTEKEN to BSN"));
}

TEST(LinkedQueryConfig, IdentifyingFieldsAreNeverDelivered) {
  // The key itself, and any other field that identifies a person (a name), as a column.
  auto doc = sample_query();
  doc["inputs"][1]["fields"].push_back("name");
  doc["inputs"][0]["fields"].push_back({{"field", "bsn"}, {"as", "citizen"}});
  auto errors = errors_of(doc);
  EXPECT_TRUE(has_error(errors, "/inputs/1/fields/2", "identifies a person")) << dump(errors);
  EXPECT_TRUE(has_error(errors, "/inputs/0/fields/4", "identifies a person")) << dump(errors);
}

TEST(LinkedQueryConfig, ColumnNamesMustNotCollide) {
  auto doc = sample_query();
  doc["inputs"][1]["fields"][1] = "municipality";  // cases has a municipality column already
  EXPECT_TRUE(has_error(errors_of(doc), "/inputs/1/fields/1", "defined twice"));
}

TEST(LinkedQueryConfig, DerivedNeedsADateColumnAndAscendingBands) {
  auto doc = sample_query();
  doc["derived"][0]["from"] = "status";
  doc["derived"][1]["from"] = "deathDate";
  doc["derived"].push_back({{"name", "band"}, {"from", "birthDate"}, {"ageBands", {30, 18}}});
  auto errors = errors_of(doc);
  EXPECT_TRUE(has_error(errors, "/derived/0/from", "not a date column")) << dump(errors);
  EXPECT_TRUE(has_error(errors, "/derived/1/from", "not a column")) << dump(errors);
  EXPECT_TRUE(has_error(errors, "/derived/2/ageBands", "ascending")) << dump(errors);
}

TEST(LinkedQueryConfig, DeliveriesReferToColumnsAndSumsToNumbers) {
  auto doc = sample_query();
  doc["aggregate"]["groupBy"][1] = "age";
  doc["aggregate"]["measures"][2]["field"] = "status";
  doc["aggregate"]["measures"][3]["name"] = "people";
  doc["rows"]["columns"] = {"pseudonym", "bsn"};
  auto errors = errors_of(doc);
  EXPECT_TRUE(has_error(errors, "/aggregate/groupBy/1", "'age' is not a column")) << dump(errors);
  EXPECT_TRUE(has_error(errors, "/aggregate/measures/2/field", "not numeric")) << dump(errors);
  EXPECT_TRUE(has_error(errors, "/aggregate/measures/3/name", "used twice")) << dump(errors);
  EXPECT_TRUE(has_error(errors, "/rows/columns/0", "always delivered")) << dump(errors);
  // The key is not a column, so a rows delivery cannot name it.
  EXPECT_TRUE(has_error(errors, "/rows/columns/1", "'bsn' is not a column")) << dump(errors);
}

class LinkageSection : public ::testing::Test {
 protected:
  void SetUp() override {
    std::random_device rd;
    dir_ = fs::temp_directory_path() / ("bronpoort-linkage-" + std::to_string(rd()));
    fs::create_directories(dir_ / "queries");
    write("queries/debt.json", sample_query().dump());
    write("secret.key", std::string(40, 's') + "\n");
    ::unsetenv("BRONPOORT_TEST_LINKAGE_KEY");
  }
  void TearDown() override { fs::remove_all(dir_); }

  void write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name) << text;
  }
  LinkageLoad load(const nlohmann::json& section) {
    return load_linkage_config(section, dir_, "gateway.json", sample_resources(),
                               sample_purposes());
  }
  static nlohmann::json section() {
    return {{"directory", "queries"},
            {"pseudonymKeyFile", "secret.key"},
            {"pseudonymKeyEnv", "BRONPOORT_TEST_LINKAGE_KEY"},
            {"maxRows", 50},
            {"maxConcurrentRuns", 3},
            {"maxRunSeconds", 30}};
  }

  fs::path dir_;
};

TEST_F(LinkageSection, LoadsQueriesAndTheSecret) {
  auto loaded = load(section());
  ASSERT_TRUE(std::holds_alternative<std::shared_ptr<const LinkageConfig>>(loaded))
      << dump(std::get<ConfigErrors>(loaded));
  const auto& cfg = *std::get<std::shared_ptr<const LinkageConfig>>(loaded);
  EXPECT_EQ(cfg.queries.size(), 1u);
  EXPECT_NE(cfg.find("debt-by-age"), nullptr);
  EXPECT_EQ(cfg.find("nothing"), nullptr);
  EXPECT_EQ(cfg.pseudonym_key, std::string(40, 's')) << "trailing newline stripped";
  EXPECT_EQ(cfg.max_rows, 50u);
  EXPECT_EQ(cfg.max_concurrent_runs, 3u);
  EXPECT_EQ(cfg.max_run, std::chrono::seconds(30));
}

TEST_F(LinkageSection, EnvironmentSecretWinsOverTheFile) {
  const std::string env_secret(48, 'e');
  ::setenv("BRONPOORT_TEST_LINKAGE_KEY", env_secret.c_str(), 1);
  auto loaded = load(section());
  ::unsetenv("BRONPOORT_TEST_LINKAGE_KEY");
  ASSERT_TRUE(std::holds_alternative<std::shared_ptr<const LinkageConfig>>(loaded));
  EXPECT_EQ(std::get<std::shared_ptr<const LinkageConfig>>(loaded)->pseudonym_key, env_secret);
}

TEST_F(LinkageSection, ShortOrMissingSecretIsAnError) {
  write("secret.key", "too-short");
  auto loaded = load(section());
  ASSERT_TRUE(std::holds_alternative<ConfigErrors>(loaded));
  EXPECT_TRUE(has_error(std::get<ConfigErrors>(loaded), "/linkage", "at least 32 bytes"));

  auto no_file = section();
  no_file["pseudonymKeyFile"] = "absent.key";
  loaded = load(no_file);
  ASSERT_TRUE(std::holds_alternative<ConfigErrors>(loaded));
  EXPECT_TRUE(
      has_error(std::get<ConfigErrors>(loaded), "/linkage/pseudonymKeyFile", "cannot read"));
}

TEST_F(LinkageSection, DuplicateIdsAndBadFilesAreNamedByFile) {
  write("queries/again.json", sample_query().dump());
  write("queries/broken.json", "{\"id\": ");
  auto loaded = load(section());
  ASSERT_TRUE(std::holds_alternative<ConfigErrors>(loaded));
  const auto& errors = std::get<ConfigErrors>(loaded);
  bool duplicate = false, broken = false;
  for (const auto& e : errors) {
    if (e.pointer == "/id" && e.reason.find("also used by") != std::string::npos) duplicate = true;
    if (e.file.find("broken.json") != std::string::npos) broken = true;
  }
  EXPECT_TRUE(duplicate) << dump(errors);
  EXPECT_TRUE(broken) << dump(errors);
}

TEST_F(LinkageSection, MissingDirectoryIsAnError) {
  auto s = section();
  s["directory"] = "elsewhere";
  auto loaded = load(s);
  ASSERT_TRUE(std::holds_alternative<ConfigErrors>(loaded));
  EXPECT_TRUE(has_error(std::get<ConfigErrors>(loaded), "/linkage/directory", "no directory"));
}

}  // namespace
}  // namespace bronpoort::linkage
