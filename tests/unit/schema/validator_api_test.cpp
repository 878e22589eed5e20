// The public API: what errors say, first-error versus all-errors, references across files and
// registries, vocabularies of custom meta-schemas, and compile errors.

#include <bronpoort/schema/validator.hpp>

#include <filesystem>
#include <fstream>

#include <unistd.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace bronpoort::schema {
namespace {

using nlohmann::json;

std::shared_ptr<const CompiledSchema> compile_ok(
    const json& schema, const SchemaRegistry& registry = {},
    const std::string& base = "https://bronpoort.test/s.json") {
  Compiler compiler(registry);
  auto result = compiler.compile(schema, base);
  EXPECT_TRUE(result) << (result.errors().empty() ? "" : result.errors()[0].to_string());
  return result.schema();
}

TEST(SchemaErrors, ReportInstancePointerKeywordLocationAndReason) {
  auto schema = compile_ok(json::parse(R"({
    "properties": {"persons": {"type": "array", "items": {"properties": {"a/b": {"type": "string"}}}}}
  })"));
  auto result = schema->validate(json::parse(R"({"persons": [{"a/b": "x"}, {"a/b": 5}]})"));
  ASSERT_FALSE(result.valid);
  ASSERT_EQ(result.errors.size(), 1u);
  EXPECT_EQ(result.errors[0].instance_location, "/persons/1/a~1b");
  EXPECT_EQ(result.errors[0].keyword_location,
            "https://bronpoort.test/s.json#/properties/persons/items/properties/a~1b/type");
  EXPECT_EQ(result.errors[0].reason, "expected string, got integer");
}

TEST(SchemaErrors, FirstErrorStopsAllErrorsCollects) {
  auto schema =
      compile_ok(json::parse(R"({"required": ["a", "b"], "properties": {"c": {"minimum": 3}}})"));
  json instance = {{"c", 1}};
  auto first = schema->validate(instance, ValidationMode::kFirstError);
  auto all = schema->validate(instance, ValidationMode::kAllErrors);
  EXPECT_FALSE(first.valid);
  EXPECT_EQ(first.errors.size(), 1u);
  ASSERT_EQ(all.errors.size(), 3u);
  EXPECT_EQ(all.errors[0].reason, "required property 'a' is missing");
  EXPECT_EQ(all.errors[1].reason, "required property 'b' is missing");
  EXPECT_EQ(all.errors[2].instance_location, "/c");
  EXPECT_FALSE(schema->is_valid(instance));
  EXPECT_TRUE(schema->is_valid(json{{"a", 1}, {"b", 2}}));
}

TEST(SchemaErrors, AdditionalPropertyNamesTheProperty) {
  auto schema =
      compile_ok(json::parse(R"({"properties": {"a": {}}, "additionalProperties": false})"));
  auto result = schema->validate(json{{"a", 1}, {"bsn", 2}});
  ASSERT_EQ(result.errors.size(), 1u);
  EXPECT_EQ(result.errors[0].instance_location, "/bsn");
  EXPECT_EQ(result.errors[0].reason,
            "property 'bsn' is not allowed (additionalProperties); allowed: a");
}

TEST(SchemaErrors, AdditionalPropertyOmitsTheListWhenPatternsAlsoAdmit) {
  auto schema = compile_ok(json::parse(
      R"({"properties": {"a": {}}, "patternProperties": {"^x-": {}}, "additionalProperties": false})"));
  auto result = schema->validate(json{{"a", 1}, {"x-ok", 1}, {"bsn", 2}});
  ASSERT_EQ(result.errors.size(), 1u);
  EXPECT_EQ(result.errors[0].reason, "property 'bsn' is not allowed (additionalProperties)");
}

TEST(SchemaCompile, RejectsBrokenSchemasWithLocation) {
  SchemaRegistry registry;
  Compiler compiler(registry);
  auto bad = compiler.compile(json::parse(R"({"properties": {"a": {"pattern": "(unclosed"}},
                                              "minLength": -1, "$ref": "#/nowhere"})"),
                              "https://bronpoort.test/bad.json");
  ASSERT_FALSE(bad);
  std::string all;
  for (const auto& e : bad.errors()) all += e.to_string() + "\n";
  EXPECT_NE(all.find("bad.json#/properties/a/pattern: invalid pattern"), std::string::npos) << all;
  EXPECT_NE(all.find("minLength must be a non-negative integer"), std::string::npos) << all;
  EXPECT_NE(all.find("cannot resolve reference"), std::string::npos) << all;
  EXPECT_FALSE(compiler.compile(json(42)));
}

TEST(SchemaCompile, NeverFetchesUnknownRemoteReferences) {
  SchemaRegistry registry;
  Compiler compiler(registry);
  auto result = compiler.compile(json{{"$ref", "https://example.com/remote.json"}});
  ASSERT_FALSE(result);
  EXPECT_NE(result.errors()[0].reason.find("no document registered"), std::string::npos);
}

TEST(SchemaRegistryTest, ResolvesAcrossFilesInMappedDirectory) {
  auto dir =
      std::filesystem::temp_directory_path() / ("bronpoort-schema-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir / "common");
  std::ofstream(dir / "common" / "postcode.json")
      << R"({"type": "string", "pattern": "^[1-9][0-9]{3}[A-Z]{2}$"})";
  std::ofstream(dir / "address.json")
      << R"({"properties": {"postcode": {"$ref": "common/postcode.json"}}})";
  SchemaRegistry registry;
  registry.map_directory("https://bronpoort.test/schemas/", dir.string());
  auto schema = compile_ok(json{{"$ref", "address.json"}}, registry,
                           "https://bronpoort.test/schemas/root.json");
  ASSERT_TRUE(schema);
  EXPECT_TRUE(schema->is_valid(json{{"postcode", "1234AB"}}));
  EXPECT_FALSE(schema->is_valid(json{{"postcode", "0123AB"}}));
  std::filesystem::remove_all(dir);
}

TEST(SchemaRegistryTest, RefusesPathsThatEscapeTheMappedDirectory) {
  SchemaRegistry registry;
  registry.map_directory("https://bronpoort.test/schemas/", "/tmp");
  std::string error;
  EXPECT_EQ(registry.find("https://bronpoort.test/schemas/../../etc/passwd", error), nullptr);
  EXPECT_NE(error.find("does not name a file"), std::string::npos);
  EXPECT_EQ(registry.find("https://bronpoort.test/schemas/%2e%2e/x", error), nullptr);
}

TEST(SchemaVocabularies, CustomMetaSchemaWithoutValidationVocabularyIgnoresAssertions) {
  SchemaRegistry registry;
  registry.add_document("https://bronpoort.test/meta/no-validation", json::parse(R"({
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://bronpoort.test/meta/no-validation",
    "$vocabulary": {"https://json-schema.org/draft/2020-12/vocab/core": true,
                    "https://json-schema.org/draft/2020-12/vocab/applicator": true}
  })"));
  auto schema = compile_ok(json::parse(R"({"$schema": "https://bronpoort.test/meta/no-validation",
      "type": "string", "properties": {"a": {"minimum": 5}}, "allOf": [false]})"),
                           registry);
  ASSERT_TRUE(schema);
  // type/minimum belong to the validation vocabulary (off); allOf belongs to applicator (on).
  EXPECT_FALSE(schema->is_valid(json{{"a", 1}}));
  auto result = schema->validate(json{{"a", 1}});
  ASSERT_EQ(result.errors.size(), 1u);
  EXPECT_NE(result.errors[0].keyword_location.find("/allOf/0"), std::string::npos);
}

TEST(SchemaVocabularies, UnknownRequiredVocabularyIsACompileError) {
  SchemaRegistry registry;
  registry.add_document("https://bronpoort.test/meta/strange", json::parse(R"({
    "$id": "https://bronpoort.test/meta/strange",
    "$vocabulary": {"https://json-schema.org/draft/2020-12/vocab/core": true,
                    "https://bronpoort.test/vocab/strange": true}
  })"));
  Compiler compiler(registry);
  auto result = compiler.compile(json{{"$schema", "https://bronpoort.test/meta/strange"}});
  ASSERT_FALSE(result);
  EXPECT_NE(result.errors()[0].reason.find("requires unknown vocabulary"), std::string::npos);
}

TEST(SchemaVocabularies, UnknownOptionalVocabularyIsIgnored) {
  SchemaRegistry registry;
  registry.add_document("https://bronpoort.test/meta/optional", json::parse(R"({
    "$id": "https://bronpoort.test/meta/optional",
    "$vocabulary": {"https://json-schema.org/draft/2020-12/vocab/core": true,
                    "https://json-schema.org/draft/2020-12/vocab/validation": true,
                    "https://bronpoort.test/vocab/extra": false}
  })"));
  auto schema = compile_ok(
      json{{"$schema", "https://bronpoort.test/meta/optional"}, {"type", "string"}}, registry);
  ASSERT_TRUE(schema);
  EXPECT_FALSE(schema->is_valid(json(1)));
}

TEST(SchemaVocabularies, FormatAssertionCanBeSwitchedOff) {
  SchemaRegistry registry;
  CompileOptions options;
  options.formats = FormatMode::kAnnotate;
  Compiler compiler(registry, options);
  auto result = compiler.compile(json{{"format", "date"}});
  ASSERT_TRUE(result);
  EXPECT_TRUE(result.schema()->is_valid(json("not a date")));
}

TEST(SchemaMetaSchemas, ValidatesSchemasAgainstTheBuiltInMetaSchemas) {
  auto meta2020 = compile_ok(json{{"$ref", "https://json-schema.org/draft/2020-12/schema"}});
  auto meta7 = compile_ok(json{{"$ref", "http://json-schema.org/draft-07/schema#"}});
  ASSERT_TRUE(meta2020 && meta7);
  EXPECT_TRUE(meta2020->is_valid(json::parse(R"({"type": "object", "minProperties": 1})")));
  EXPECT_FALSE(meta2020->is_valid(json::parse(R"({"minProperties": -1})")));
  EXPECT_FALSE(meta2020->is_valid(json::parse(R"({"properties": {"a": {"type": "strung"}}})")));
  EXPECT_TRUE(meta7->is_valid(json::parse(R"({"definitions": {"a": {"type": "string"}}})")));
  EXPECT_FALSE(meta7->is_valid(json::parse(R"({"required": "a"})")));
}

TEST(SchemaDrafts, Draft7RefIgnoresSiblingKeywords) {
  SchemaRegistry registry;
  Compiler compiler(registry);
  auto result =
      compiler.compile(json::parse(R"({"$schema": "http://json-schema.org/draft-07/schema#",
      "definitions": {"s": {"type": "string"}}, "$ref": "#/definitions/s", "maxLength": 1})"));
  ASSERT_TRUE(result);
  EXPECT_TRUE(result.schema()->is_valid(json("long string")));
  EXPECT_FALSE(result.schema()->is_valid(json(1)));
}

}  // namespace
}  // namespace bronpoort::schema
