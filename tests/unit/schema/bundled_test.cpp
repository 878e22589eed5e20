// The schemas compiled into the binary: every one compiles, they are the files in schemas/, the
// committed config files conform to them, and their errors explain themselves.
#include <bronpoort/schema/bundled.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace bronpoort::schema {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const fs::path kSchemas = fs::path(BRONPOORT_SOURCE_DIR) / "schemas";

json read(const fs::path& p) {
  return json::parse(std::ifstream(p));
}

TEST(BundledSchemas, EveryShippedSchemaIsBundledAndCompiles) {
  std::vector<std::string> on_disk;
  for (const auto& dir : {kSchemas, kSchemas / "requests"}) {
    for (const auto& entry : fs::directory_iterator(dir)) {
      const auto name = entry.path().filename().string();
      if (entry.is_regular_file() && name.ends_with(".schema.json")) {
        on_disk.push_back(fs::relative(entry.path(), kSchemas).generic_string());
      }
    }
  }
  std::sort(on_disk.begin(), on_disk.end());
  EXPECT_EQ(bundled_schema_names(), on_disk);
  for (const auto& name : on_disk) {
    EXPECT_NO_THROW(bundled_schema(name)) << name;
    // The build embeds the file as it is now, not an older copy.
    ASSERT_NE(bundled_schema_document(name), nullptr) << name;
    EXPECT_EQ(*bundled_schema_document(name), read(kSchemas / name)) << name;
  }
  EXPECT_THROW(bundled_schema("nope.schema.json"), std::logic_error);
  EXPECT_EQ(bundled_schema_document("nope.schema.json"), nullptr);
}

TEST(BundledSchemas, TheCommittedConfigConforms) {
  const fs::path config = fs::path(BRONPOORT_SOURCE_DIR) / "config";
  auto check = [](const char* schema, const fs::path& file) {
    auto result = bundled_schema(schema).validate(read(file), ValidationMode::kAllErrors);
    std::string all;
    for (const auto& e : result.errors) all += e.to_string() + "\n";
    EXPECT_TRUE(result.valid) << file << "\n" << all;
  };
  check("gateway.schema.json", config / "gateway.json");
  int files = 0;
  for (const auto& [schema, dir] : {std::pair{"source.schema.json", config / "sources"},
                                    std::pair{"purpose.schema.json", config / "purposes"}}) {
    for (const auto& entry : fs::directory_iterator(dir)) {
      check(schema, entry.path());
      ++files;
    }
  }
  EXPECT_GE(files, 10);
}

TEST(BundledSchemas, ExplainedReasonAddsTheDescriptionOfAPattern) {
  const auto& source = bundled_schema("source.schema.json");
  json doc = read(fs::path(BRONPOORT_SOURCE_DIR) / "config/sources/kadaster-demo-addresses.json");
  doc["organisation"]["oin"] = "123";
  doc["organisation"].erase("name");
  auto result = source.validate(doc, ValidationMode::kAllErrors);
  ASSERT_EQ(result.errors.size(), 2u);
  EXPECT_EQ(explained_reason(result.errors[0]), "required property 'name' is missing");
  EXPECT_EQ(explained_reason(result.errors[1]),
            "string does not match pattern /^[0-9]{20}$/ (the Organisatie-identificatienummer "
            "(OIN): exactly 20 digits)");
  // Locations outside the bundle are left alone.
  ValidationError foreign{"/x", "file:///tmp/s.json#/properties/x/pattern", "no match"};
  EXPECT_EQ(explained_reason(foreign), "no match");
  ValidationError odd{"/x", std::string(kBundledBaseUri) + "source.schema.json#/nowhere/pattern",
                      "no match"};
  EXPECT_EQ(explained_reason(odd), "no match");
}

TEST(BundledSchemas, RequestBodyProblemsListEveryViolation) {
  const auto& schema = bundled_schema("requests/access-request.schema.json");
  EXPECT_FALSE(check_request_body(schema,
                                  json::parse(R"({"role": "case-worker", "purpose": "intake",
                                      "dataset": "persons", "resource": "persons",
                                      "fields": ["bsn"], "motivation": "Intake of a case"})"),
                                  "access request"));
  auto problem = check_request_body(
      schema, json::parse(R"({"role": "Case Worker", "fields": ["bsn", "bsn"], "x": 1})"),
      "access request");
  ASSERT_TRUE(problem);
  EXPECT_EQ(problem->status, 400);
  EXPECT_EQ(problem->code, "invalid-request");
  EXPECT_NE(problem->detail.find("access-request.schema.json"), std::string::npos);
  std::vector<std::string> got;
  for (const auto& p : problem->invalid_params) got.push_back(p.name + " " + p.code);
  EXPECT_EQ(got, (std::vector<std::string>{"/ required", "/ required", "/ required", "/ required",
                                           "/fields uniqueItems", "/role pattern",
                                           "/x additionalProperties"}));
}

}  // namespace
}  // namespace bronpoort::schema
