// JSON Schema 2020-12 / draft-07 to the OpenAPI 3.0 schema subset.

#include <bronpoort/catalog/openapi.hpp>

#include <gtest/gtest.h>

namespace bronpoort::catalog {
namespace {

nlohmann::json convert(const nlohmann::json& schema, nlohmann::json& components) {
  return to_openapi_schema(schema, "Rec", components);
}

TEST(OpenApiSchema, TypeArrayWithNullBecomesNullable) {
  nlohmann::json c = nlohmann::json::object();
  auto out = convert({{"type", {"string", "null"}}, {"enum", {"a", "b"}}}, c);
  EXPECT_EQ(out["type"], "string");
  EXPECT_EQ(out["nullable"], true);
  EXPECT_EQ(out["enum"], nlohmann::json({"a", "b", nullptr}));
}

TEST(OpenApiSchema, SeveralTypesBecomeAnyOf) {
  nlohmann::json c = nlohmann::json::object();
  auto out = convert({{"type", {"string", "integer"}}}, c);
  EXPECT_FALSE(out.contains("type"));
  ASSERT_EQ(out["anyOf"].size(), 2u);
  EXPECT_EQ(out["anyOf"][1]["type"], "integer");
}

TEST(OpenApiSchema, ConstExamplesAndExclusiveBounds) {
  nlohmann::json c = nlohmann::json::object();
  auto out = convert({{"const", "x"}}, c);
  EXPECT_EQ(out["enum"], nlohmann::json::array({"x"}));
  out = convert(
      {{"type", "number"}, {"exclusiveMinimum", 0}, {"maximum", 10}, {"exclusiveMaximum", 5}}, c);
  EXPECT_EQ(out["minimum"], 0);
  EXPECT_EQ(out["exclusiveMinimum"], true);
  EXPECT_EQ(out["maximum"], 5);
  EXPECT_EQ(out["exclusiveMaximum"], true);
  out = convert({{"type", "string"}, {"examples", {"first", "second"}}}, c);
  EXPECT_EQ(out["example"], "first");
  EXPECT_FALSE(out.contains("examples"));
}

TEST(OpenApiSchema, DropsKeywordsOpenApi30Lacks) {
  nlohmann::json c = nlohmann::json::object();
  auto out =
      convert({{"$schema", "https://json-schema.org/draft/2020-12/schema"},
               {"$id", "https://x/y.json"},
               {"$comment", "c"},
               {"type", "object"},
               {"unevaluatedProperties", false},
               {"dependentRequired", {{"a", {"b"}}}},
               {"properties", {{"a", {{"type", "string"}, {"contentMediaType", "text/plain"}}}}}},
              c);
  EXPECT_EQ(out,
            nlohmann::json({{"type", "object"}, {"properties", {{"a", {{"type", "string"}}}}}}));
}

TEST(OpenApiSchema, DefsMoveToComponentsAndRefsFollow) {
  nlohmann::json c = nlohmann::json::object();
  auto out = convert(
      {{"type", "object"},
       {"$defs",
        {{"plant-site",
          {{"type", "object"}, {"properties", {{"up", {{"$ref", "#/$defs/plant-site"}}}}}}}}},
       {"definitions", {{"old", {{"type", "integer"}}}}},
       {"properties",
        {{"a", {{"$ref", "#/$defs/plant-site"}}},
         {"b", {{"$ref", "#/definitions/old"}}},
         {"me", {{"$ref", "#"}}},
         {"far", {{"$ref", "other.json#/x"}}}}}},
      c);
  EXPECT_FALSE(out.contains("$defs"));
  EXPECT_EQ(out["properties"]["a"]["$ref"], "#/components/schemas/RecPlantSite");
  EXPECT_EQ(out["properties"]["b"]["$ref"], "#/components/schemas/RecOld");
  EXPECT_EQ(out["properties"]["me"]["$ref"], "#/components/schemas/Rec");
  EXPECT_FALSE(out["properties"]["far"].contains("$ref")) << "no dangling references";
  ASSERT_TRUE(c.contains("RecPlantSite"));
  EXPECT_EQ(c["RecPlantSite"]["properties"]["up"]["$ref"], "#/components/schemas/RecPlantSite");
  EXPECT_EQ(c["RecOld"]["type"], "integer");
}

TEST(OpenApiSchema, RefWithSiblingsKeepsThemThroughAllOf) {
  nlohmann::json c = nlohmann::json::object();
  auto out = convert({{"$ref", "#/$defs/x"}, {"description", "why"}}, c);
  EXPECT_EQ(out["description"], "why");
  EXPECT_EQ(out["allOf"][0]["$ref"], "#/components/schemas/RecX");
}

TEST(OpenApiSchema, BooleanSchemasAndTupleItems) {
  nlohmann::json c = nlohmann::json::object();
  EXPECT_EQ(convert(true, c), nlohmann::json::object());
  EXPECT_EQ(convert(false, c), nlohmann::json({{"not", nlohmann::json::object()}}));
  auto out =
      convert({{"type", "array"}, {"items", {{{"type", "string"}}, {{"type", "integer"}}}}}, c);
  EXPECT_EQ(out["items"], nlohmann::json::object());
  out = convert({{"type", "array"}}, c);
  EXPECT_TRUE(out.contains("items")) << "OpenAPI 3.0 requires items on arrays";
}

TEST(OpenApiNaming, PascalAndCamelCase) {
  EXPECT_EQ(pascal_case("sewage-surveillance"), "SewageSurveillance");
  EXPECT_EQ(pascal_case("persons"), "Persons");
  EXPECT_TRUE(is_lower_camel_case("birthDateGte"));
  EXPECT_FALSE(is_lower_camel_case("birth_date"));
  EXPECT_FALSE(is_lower_camel_case("BirthDate"));
  Field f;
  f.name = "bsn";
  f.type = "string";
  f.filterable = true;
  f.sensitive = true;
  EXPECT_TRUE(filter_parameter_names(f).empty());
  f.sensitive = false;
  f.filterable = false;
  EXPECT_TRUE(filter_parameter_names(f).empty());
}

}  // namespace
}  // namespace bronpoort::catalog
