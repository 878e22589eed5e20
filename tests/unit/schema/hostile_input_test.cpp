// Hostile schemas and instances end in a clear error within bounded time and memory: no stack
// overflow, no exponential blow-up, no hang.

#include <bronpoort/schema/validator.hpp>

#include <chrono>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace bronpoort::schema {
namespace {

using nlohmann::json;

CompileResult compile(const json& schema, CompileOptions options = {}) {
  static SchemaRegistry registry;
  return Compiler(registry, options).compile(schema);
}

json nested_arrays(std::size_t depth) {
  std::string text(depth, '[');
  text += std::string(depth, ']');
  return json::parse(text);
}

TEST(SchemaHostile, DeepInstanceAgainstRecursiveSchemaHitsDepthLimit) {
  auto compiled = compile(json::parse(R"({"items": {"$ref": "#"}})"));
  ASSERT_TRUE(compiled);
  auto result = compiled.schema()->validate(nested_arrays(100000));
  ASSERT_FALSE(result.valid);
  EXPECT_NE(result.errors.back().reason.find("depth limit"), std::string::npos);
  EXPECT_TRUE(compiled.schema()->is_valid(nested_arrays(100)));
}

TEST(SchemaHostile, DeepInstanceInEnumAndUniqueItemsDoesNotOverflow) {
  auto compiled = compile(json::parse(R"({"uniqueItems": true, "not": {"enum": [[[[1]]]]}})"));
  ASSERT_TRUE(compiled);
  json deep = nested_arrays(50000);
  json pair = json::array({deep, deep});
  auto result = compiled.schema()->validate(pair);
  EXPECT_FALSE(result.valid);
}

TEST(SchemaHostile, ReferenceCycleWithoutProgressIsBounded) {
  auto compiled =
      compile(json::parse(R"({"$defs": {"a": {"$ref": "#/$defs/b"}, "b": {"$ref": "#/$defs/a"}},
                                          "$ref": "#/$defs/a"})"));
  ASSERT_TRUE(compiled);
  auto result = compiled.schema()->validate(json(1));
  ASSERT_FALSE(result.valid);
  EXPECT_NE(result.errors.back().reason.find("depth limit"), std::string::npos);
}

TEST(SchemaHostile, ExponentialFanOutHitsStepLimit) {
  // Each level evaluates the next twice: 2^40 evaluations without a budget.
  json schema = json::object();
  json defs = json::object();
  for (int i = 0; i < 40; ++i) {
    std::string next = "#/$defs/d" + std::to_string(i + 1);
    defs["d" + std::to_string(i)] = {{"allOf", {{{"$ref", next}}, {{"$ref", next}}}}};
  }
  defs["d40"] = {{"type", "number"}};
  schema["$defs"] = defs;
  schema["$ref"] = "#/$defs/d0";
  auto compiled = compile(schema);
  ASSERT_TRUE(compiled);
  auto start = std::chrono::steady_clock::now();
  auto result = compiled.schema()->validate(json(1.5));
  auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ASSERT_FALSE(result.valid);
  EXPECT_NE(result.errors.back().reason.find("step limit"), std::string::npos);
  EXPECT_LT(seconds, 10.0);
}

TEST(SchemaHostile, CatastrophicPatternRunsInLinearTime) {
  auto compiled = compile(json{{"pattern", "^(a+)+$"}});
  ASSERT_TRUE(compiled);
  std::string evil(100000, 'a');
  evil += "!";
  auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(compiled.schema()->is_valid(json(evil)));
  auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_LT(seconds, 5.0);
}

TEST(SchemaHostile, LongSubjectDoesNotOverflowTheStack) {
  auto compiled = compile(json{{"pattern", "^(a|b)*c$"}});
  ASSERT_TRUE(compiled);
  std::string subject(2'000'000, 'a');
  subject += "c";
  EXPECT_TRUE(compiled.schema()->is_valid(json(subject)));
}

TEST(SchemaHostile, RegexStepLimitIsReported) {
  CompileOptions options;
  options.max_regex_steps = 1000;
  // The lookahead at every start position re-scans the rest of the subject: quadratic work.
  auto compiled = compile(json{{"pattern", "(?=x*q)"}}, options);
  ASSERT_TRUE(compiled);
  auto result = compiled.schema()->validate(json(std::string(10000, 'x')));
  ASSERT_FALSE(result.valid);
  EXPECT_NE(result.errors.back().reason.find("exceeded its step limit"), std::string::npos);
}

TEST(SchemaHostile, HugeRepetitionBoundsAreCompileErrors) {
  EXPECT_FALSE(compile(json{{"pattern", "a{100000}"}}));
  EXPECT_FALSE(compile(json{{"pattern", "((a{1000}){1000}){1000}"}}));
  EXPECT_FALSE(compile(json{{"pattern", std::string(10000, '(') + std::string(10000, ')')}}));
}

TEST(SchemaHostile, DeeplyNestedSchemaIsACompileError) {
  json schema = true;
  for (int i = 0; i < 5000; ++i) schema = json{{"not", schema}};
  auto compiled = compile(schema);
  ASSERT_FALSE(compiled);
  EXPECT_NE(compiled.errors()[0].reason.find("nests deeper"), std::string::npos);
}

TEST(SchemaHostile, HugeNumbersCompareWithoutOverflow) {
  auto compiled =
      compile(json::parse(R"({"maximum": 1e308, "multipleOf": 1e-308, "type": "number"})"));
  ASSERT_TRUE(compiled);
  EXPECT_FALSE(compiled.schema()->is_valid(json::parse("1.5e308")));
  auto big = compile(json::parse(R"({"multipleOf": 0.123456789})"));
  EXPECT_FALSE(big.schema()->is_valid(json::parse("1e308")));
  auto ints = compile(json::parse(R"({"multipleOf": 3})"));
  EXPECT_TRUE(ints.schema()->is_valid(json(std::int64_t{-9223372036854775807LL - 1} + 2)));
  EXPECT_FALSE(ints.schema()->is_valid(json(std::numeric_limits<std::int64_t>::min())));
}

TEST(SchemaHostile, LargeUniqueItemsArrayIsFast) {
  auto compiled = compile(json{{"uniqueItems", true}});
  json items = json::array();
  for (int i = 0; i < 200000; ++i) items.push_back(i);
  auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(compiled.schema()->is_valid(items));
  items.push_back(5.0);
  EXPECT_FALSE(compiled.schema()->is_valid(items));
  auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_LT(seconds, 5.0);
}

TEST(SchemaHostile, ManyPropertiesUnderUnevaluatedPropertiesStayFast) {
  auto compiled = compile(json::parse(
      R"({"patternProperties": {"^p": true}, "anyOf": [{"properties": {"q": {}}}, true],
          "unevaluatedProperties": false})"));
  ASSERT_TRUE(compiled);
  json instance = json::object();
  for (int i = 0; i < 100000; ++i) instance["p" + std::to_string(i)] = i;
  auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(compiled.schema()->is_valid(instance));
  instance["zz"] = 1;
  EXPECT_FALSE(compiled.schema()->is_valid(instance));
  auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_LT(seconds, 5.0);
}

}  // namespace
}  // namespace bronpoort::schema
