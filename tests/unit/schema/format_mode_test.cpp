// What `format` does under each FormatMode and dialect, and that Bronpoort's own schemas keep
// asserting it: 2020-12 makes `format` an annotation by default, but our config, request and
// record schemas rely on date, uuid and email checks.

#include <bronpoort/schema/bundled.hpp>
#include <bronpoort/schema/validator.hpp>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace bronpoort::schema {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::shared_ptr<const CompiledSchema> compile_with(const json& schema, CompileOptions options,
                                                   const SchemaRegistry& registry = {}) {
  auto result = Compiler(registry, options).compile(schema, "https://bronpoort.test/s.json");
  EXPECT_TRUE(result) << (result.errors().empty() ? "" : result.errors()[0].to_string());
  return result.schema();
}

CompileOptions with_formats(FormatMode mode) {
  CompileOptions options;
  options.formats = mode;
  return options;
}

const json kDate2020 = {{"$schema", "https://json-schema.org/draft/2020-12/schema"},
                        {"format", "date"}};
const json kDate7 = {{"$schema", "http://json-schema.org/draft-07/schema#"}, {"format", "date"}};

TEST(FormatMode, FormatIsAnAnnotationByDefaultIn2020_12) {
  auto schema = compile_with(kDate2020, CompileOptions{});
  ASSERT_TRUE(schema);
  EXPECT_TRUE(schema->is_valid(json("2023-02-29")));
  EXPECT_TRUE(schema->validate(json("not a date"), ValidationMode::kAllErrors).valid);
}

TEST(FormatMode, FormatIsAssertedByDefaultInDraft7) {
  auto schema = compile_with(kDate7, CompileOptions{});
  ASSERT_TRUE(schema);
  EXPECT_TRUE(schema->is_valid(json("2024-02-29")));
  EXPECT_FALSE(schema->is_valid(json("2023-02-29")));
}

TEST(FormatMode, AssertModeChecksFormatsInEveryDialect) {
  for (const json& schema_json : {kDate2020, kDate7}) {
    auto schema = compile_with(schema_json, with_formats(FormatMode::kAssert));
    ASSERT_TRUE(schema);
    EXPECT_TRUE(schema->is_valid(json("2024-02-29")));
    auto result = schema->validate(json("2023-02-29"), ValidationMode::kAllErrors);
    ASSERT_FALSE(result.valid);
    EXPECT_EQ(result.errors[0].keyword_location, "https://bronpoort.test/s.json#/format");
  }
}

TEST(FormatMode, AnnotateModeChecksNoFormatInAnyDialect) {
  for (const json& schema_json : {kDate2020, kDate7}) {
    auto schema = compile_with(schema_json, with_formats(FormatMode::kAnnotate));
    ASSERT_TRUE(schema);
    EXPECT_TRUE(schema->is_valid(json("2023-02-29")));
  }
}

TEST(FormatMode, FormatAssertionVocabularyAssertsWhateverTheMode) {
  SchemaRegistry registry;
  registry.add_document("https://bronpoort.test/meta/format-assertion", json::parse(R"({
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://bronpoort.test/meta/format-assertion",
    "$vocabulary": {"https://json-schema.org/draft/2020-12/vocab/core": true,
                    "https://json-schema.org/draft/2020-12/vocab/format-assertion": true}
  })"));
  const json schema_json = {{"$schema", "https://bronpoort.test/meta/format-assertion"},
                            {"format", "ipv4"}};
  for (FormatMode mode : {FormatMode::kDialectDefault, FormatMode::kAnnotate}) {
    auto schema = compile_with(schema_json, with_formats(mode), registry);
    ASSERT_TRUE(schema);
    EXPECT_TRUE(schema->is_valid(json("127.0.0.1")));
    EXPECT_FALSE(schema->is_valid(json("not-an-ipv4")));
  }
}

TEST(FormatMode, OwnSchemaOptionsAssertFormats) {
  EXPECT_EQ(own_schema_options().formats, FormatMode::kAssert);
  // A resource's record schema is compiled by sources/ with these options; the demo persons
  // schema's birthDate is a 2020-12 `format: date`.
  const fs::path file = fs::path(BRONPOORT_SOURCE_DIR) / "schemas/datasets/persons.schema.json";
  json persons = json::parse(std::ifstream(file));
  auto schema = compile_with({{"properties", {{"birthDate", persons["properties"]["birthDate"]}}},
                              {"$schema", persons["$schema"]}},
                             own_schema_options());
  ASSERT_TRUE(schema);
  EXPECT_TRUE(schema->is_valid(json{{"birthDate", "1990-05-17"}}));
  EXPECT_FALSE(schema->is_valid(json{{"birthDate", "1990-02-30"}}));
}

TEST(FormatMode, BundledPurposeSchemaStillRejectsImpossibleDates) {
  // "2026-02-30" matches the validity pattern; only the asserted date format refuses it.
  const fs::path file = fs::path(BRONPOORT_SOURCE_DIR) / "config/purposes/adres-verificatie.json";
  json purpose = json::parse(std::ifstream(file));
  const auto& schema = bundled_schema("purpose.schema.json");
  ASSERT_TRUE(schema.validate(purpose, ValidationMode::kAllErrors).valid);
  purpose["validity"] = {{"from", "2026-02-30"}};
  auto result = schema.validate(purpose, ValidationMode::kAllErrors);
  ASSERT_FALSE(result.valid);
  EXPECT_EQ(result.errors[0].instance_location, "/validity/from");
  EXPECT_NE(result.errors[0].keyword_location.find("/format"), std::string::npos);
}

TEST(ContainsBounds, IntegralDecimalsCountAsIntegers) {
  auto schema = compile_with(json::parse(R"({"contains": {"const": 1}, "minContains": 2.0,
                                             "maxContains": 3.0})"),
                             CompileOptions{});
  ASSERT_TRUE(schema);
  EXPECT_FALSE(schema->is_valid(json::parse("[1, 2]")));
  EXPECT_TRUE(schema->is_valid(json::parse("[1, 1, 2]")));
  EXPECT_FALSE(schema->is_valid(json::parse("[1, 1, 1, 1]")));
}

TEST(ContainsBounds, NonIntegralOrNegativeBoundsAreCompileErrors) {
  SchemaRegistry registry;
  Compiler compiler(registry);
  for (const char* text :
       {R"({"contains": true, "minContains": 1.5})", R"({"contains": true, "maxContains": -1})",
        R"({"contains": true, "minContains": "2"})"}) {
    auto result = compiler.compile(json::parse(text));
    ASSERT_FALSE(result) << text;
    EXPECT_NE(result.errors()[0].reason.find("must be a non-negative integer"), std::string::npos)
        << text;
  }
}

}  // namespace
}  // namespace bronpoort::schema
