// The generated OpenAPI document: one operation per endpoint kind, the filter syntax, and the
// NL API Design Rules the linter checks (version header, problem+json, casing, contact, servers).

#include "catalog_fixture.hpp"

#include <bronpoort/core/api_version.hpp>
#include <bronpoort/schema/bundled.hpp>

#include <gtest/gtest.h>

#include <regex>
#include <set>

namespace bronpoort::catalog {
namespace {

using testing::sample_model;

const nlohmann::json& doc() {
  static const nlohmann::json d = generate_openapi(sample_model());
  return d;
}

std::vector<std::string> query_names(const nlohmann::json& op) {
  std::vector<std::string> out;
  for (const auto& p : op.value("parameters", nlohmann::json::array())) {
    if (p.value("in", "") == "query") out.push_back(p["name"]);
  }
  return out;
}

bool has(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

// Resolves a local "#/a/b" reference in the document.
const nlohmann::json& resolve(const nlohmann::json& node) {
  if (!node.contains("$ref")) return node;
  return doc().at(nlohmann::json::json_pointer(node["$ref"].get<std::string>().substr(1)));
}

template <typename F>
void for_each_operation(F f) {
  for (const auto& [path, item] : doc()["paths"].items()) {
    for (const auto& [method, op] : item.items()) f(path, method, op);
  }
}

TEST(OpenApiGenerator, DescribesTheApiAsTheDesignRulesAsk) {
  EXPECT_EQ(doc()["openapi"], "3.0.3");
  EXPECT_EQ(doc()["info"]["version"], kApiVersion);
  EXPECT_EQ(doc()["info"]["contact"]["name"], "Team Bronpoort");
  EXPECT_EQ(doc()["info"]["contact"]["email"], "bronpoort@example.nl");
  EXPECT_EQ(doc()["info"]["contact"]["url"], "https://example.nl/bronpoort");
  EXPECT_EQ(doc()["servers"][0]["url"], "/v1");
  const auto& bearer = doc()["components"]["securitySchemes"]["bearerAuth"];
  EXPECT_EQ(bearer["scheme"], "bearer");
  EXPECT_EQ(bearer["bearerFormat"], "JWT");
}

TEST(OpenApiGenerator, ListOperationHasFilterParametersForFilterableFieldsOnly) {
  const auto& op = doc()["paths"]["/datasets/persons/persons"]["get"];
  auto names = query_names(op);
  for (const char* n : {"familyName", "familyNameGt", "familyNameGte", "familyNameLt",
                        "familyNameLte", "familyNameStartsWith", "familyNameIn", "birthDateGte",
                        "page", "pageSize", "sort", "fields", "includeTotal"}) {
    EXPECT_TRUE(has(names, n)) << n;
  }
  EXPECT_FALSE(has(names, "givenName")) << "not filterable";
  for (const auto& n : names) EXPECT_EQ(n.rfind("bsn", 0), std::string::npos) << n;
  EXPECT_EQ(op["parameters"][0]["$ref"], "#/components/parameters/ProcessingPurpose");
}

TEST(OpenApiGenerator, OperatorsFollowTheFieldType) {
  auto names = query_names(doc()["paths"]["/datasets/addresses/addresses"]["get"]);
  EXPECT_TRUE(has(names, "houseNumberGte"));
  EXPECT_FALSE(has(names, "houseNumberStartsWith")) << "StartsWith is for strings";
  EXPECT_TRUE(has(names, "active"));
  EXPECT_TRUE(has(names, "activeIn"));
  EXPECT_FALSE(has(names, "activeGt")) << "booleans are not ordered";
}

TEST(OpenApiGenerator, PageSizeCarriesTheResourceLimits) {
  for (const auto& p : doc()["paths"]["/datasets/addresses/addresses"]["get"]["parameters"]) {
    if (p.value("name", "") == "pageSize") {
      EXPECT_EQ(p["schema"]["maximum"], 100);
      EXPECT_EQ(p["schema"]["default"], 20);
      return;
    }
  }
  FAIL() << "no pageSize parameter";
}

TEST(OpenApiGenerator, SearchTakesSensitiveFiltersInTheBody) {
  const auto& op = doc()["paths"]["/datasets/persons/persons/search"]["post"];
  const auto& body = op["requestBody"]["content"]["application/json"]["schema"];
  const auto& bsn = body["properties"]["filters"]["properties"]["bsn"];
  EXPECT_TRUE(bsn["properties"].contains("eq"));
  EXPECT_EQ(bsn["properties"]["in"]["type"], "array");
  EXPECT_TRUE(op["responses"].contains("400"));
  EXPECT_TRUE(query_names(op).empty());
}

TEST(OpenApiGenerator, DetailOnlyWhereTheIdMayTravelInTheUri) {
  EXPECT_FALSE(doc()["paths"].contains("/datasets/persons/persons/{bsn}"));
  const auto& op = doc()["paths"]["/datasets/addresses/addresses/{addressId}"]["get"];
  ASSERT_TRUE(op.is_object());
  EXPECT_EQ(op["parameters"][0]["in"], "path");
  EXPECT_EQ(op["parameters"][0]["name"], "addressId");
  EXPECT_TRUE(op["responses"].contains("404"));
}

TEST(OpenApiGenerator, RecordSchemasComeFromTheDatasetSchemas) {
  const auto& schemas = doc()["components"]["schemas"];
  ASSERT_TRUE(schemas.contains("Persons"));
  ASSERT_TRUE(schemas.contains("SewageSurveillanceMeasurements"));
  EXPECT_FALSE(schemas["Persons"].contains("$schema"));
  const auto& list = doc()["paths"]["/datasets/persons/persons"]["get"]["responses"]["200"];
  const auto& body = list["content"]["application/json"]["schema"];
  EXPECT_EQ(body["properties"]["_embedded"]["properties"]["persons"]["items"]["$ref"],
            "#/components/schemas/Persons");
  EXPECT_TRUE(body["properties"].contains("_links"));
  EXPECT_TRUE(schemas.contains("SewageSurveillanceMeasurementsPlant"));
}

// The request bodies are documented with the schemas the gateway validates them against, so the
// document cannot promise more or less than is enforced.
TEST(OpenApiGenerator, RequestBodiesAreTheEnforcedSchemas) {
  const auto& schemas = doc()["components"]["schemas"];
  const auto& file = schemas["NewAccessRequest"];
  const auto* enforced = schema::bundled_schema_document("requests/access-request.schema.json");
  ASSERT_NE(enforced, nullptr);
  EXPECT_EQ(file["required"], (*enforced)["required"]);
  EXPECT_EQ(file["additionalProperties"], false);
  EXPECT_EQ(file["properties"]["role"]["pattern"], "^[a-z0-9]+(-[a-z0-9]+)*$");
  EXPECT_EQ(file["properties"]["fields"]["maxItems"], 200);
  EXPECT_EQ(file["properties"]["motivation"]["maxLength"], 4000);
  EXPECT_EQ(file["properties"]["motivation"]["minLength"], 1);
  // role is optional in an access check: the gateway fills in the caller's own roles.
  EXPECT_EQ(schemas["AccessCheck"]["required"], (nlohmann::json{"purpose", "dataset", "resource"}));
  EXPECT_EQ(schemas["Decision"]["properties"]["reason"]["maxLength"], 4000);
  EXPECT_EQ(doc().dump().find("common.schema.json"), std::string::npos);
}

TEST(OpenApiGenerator, FixedEndpointsAppearOnlyWhenTheRouterServesThem) {
  EXPECT_TRUE(doc()["paths"]["/access-requests/{id}/approve"].contains("post"));
  EXPECT_TRUE(doc()["paths"]["/processing-log/export"].contains("get"));
  EXPECT_TRUE(doc()["paths"]["/processing-activities"].contains("post"));
  EXPECT_TRUE(doc()["paths"]["/my-processing-log"].contains("get"));
  EXPECT_TRUE(doc()["paths"]["/processing-log/checkpoints"].contains("get"));
  EXPECT_TRUE(doc()["paths"]["/processing-log/verify"].contains("get"));
  EXPECT_TRUE(doc()["paths"]["/grants/{id}"].contains("delete"));

  CatalogModel m = sample_model();
  m.endpoints = endpoint_signatures();
  auto d = generate_openapi(m);
  EXPECT_FALSE(d["paths"].contains("/grants"));
  EXPECT_TRUE(d["paths"].contains("/datasets"));
  EXPECT_TRUE(d["paths"].contains("/openapi.json"));
}

TEST(OpenApiGenerator, PublicOperationsNeedNoToken) {
  for (const char* p : {"/datasets", "/datasets/{dataset}", "/openapi.json", "/purposes"}) {
    const auto& op = doc()["paths"][p]["get"];
    ASSERT_EQ(op["security"].size(), 1u) << p;
    EXPECT_TRUE(op["security"][0].empty()) << p;
    EXPECT_FALSE(op["responses"].contains("401")) << p;
  }
  EXPECT_TRUE(doc()["paths"]["/grants"]["get"]["responses"].contains("401"));
}

TEST(OpenApiGenerator, EverySuccessResponseNamesTheApiVersionHeader) {
  for_each_operation([](const std::string& path, const std::string& method,
                        const nlohmann::json& op) {
    for (const auto& [status, response] : op["responses"].items()) {
      const auto& r = resolve(response);
      if (status[0] == '2' || status[0] == '3') {
        EXPECT_TRUE(r["headers"].contains("API-Version")) << method << " " << path << " " << status;
      }
    }
  });
}

TEST(OpenApiGenerator, EveryErrorIsProblemJsonWithStatusTitleDetail) {
  const auto& problem = doc()["components"]["schemas"]["Problem"];
  for (const char* m : {"status", "title", "detail"}) {
    EXPECT_TRUE(problem["properties"].contains(m)) << m;
  }
  for_each_operation(
      [](const std::string& path, const std::string& method, const nlohmann::json& op) {
        for (const auto& [status, response] : op["responses"].items()) {
          if (status[0] != '4' && status[0] != '5') continue;
          const auto& r = resolve(response);
          EXPECT_TRUE(r["content"].contains("application/problem+json")) << method << " " << path;
          EXPECT_TRUE(r["headers"].contains("API-Version"));
        }
      });
}

TEST(OpenApiGenerator, OperationsWithInputCanAnswer400) {
  for_each_operation(
      [](const std::string& path, const std::string& method, const nlohmann::json& op) {
        bool input = method == "post" || !op.value("parameters", nlohmann::json::array()).empty();
        if (input) {
          EXPECT_TRUE(op["responses"].contains("400")) << method << " " << path;
        }
      });
}

TEST(OpenApiGenerator, PathsAreKebabCaseAndQueryKeysLowerCamelCase) {
  const std::regex kebab(R"(^(/([a-z0-9\-]+|\{[^}]+\}))+$)");
  std::set<std::string> operation_ids;
  for_each_operation([&](const std::string& path, const std::string&, const nlohmann::json& op) {
    if (path != "/openapi.json") {
      EXPECT_TRUE(std::regex_match(path, kebab)) << path;
    }
    EXPECT_NE(path.back(), '/');
    for (const auto& n : query_names(op)) {
      EXPECT_TRUE(is_lower_camel_case(n)) << n;
    }
    EXPECT_TRUE(operation_ids.insert(op["operationId"].get<std::string>()).second)
        << "duplicate operationId " << op["operationId"];
  });
}

TEST(OpenApiGenerator, EveryReferenceResolves) {
  std::function<void(const nlohmann::json&)> walk = [&](const nlohmann::json& node) {
    if (node.is_object()) {
      if (auto it = node.find("$ref"); it != node.end()) {
        const std::string ref = *it;
        ASSERT_EQ(ref.rfind("#/", 0), 0u) << ref;
        EXPECT_TRUE(doc().contains(nlohmann::json::json_pointer(ref.substr(1)))) << ref;
      }
      for (const auto& [k, v] : node.items()) walk(v);
    } else if (node.is_array()) {
      for (const auto& v : node) walk(v);
    }
  };
  walk(doc());
}

TEST(OpenApiGenerator, PathParametersAreDeclared) {
  const std::regex param(R"(\{([^}]+)\})");
  for_each_operation(
      [&](const std::string& path, const std::string& method, const nlohmann::json& op) {
        std::set<std::string> declared;
        for (const auto& p : op.value("parameters", nlohmann::json::array())) {
          if (p.value("in", "") == "path") declared.insert(p["name"]);
        }
        std::set<std::string> in_path;
        for (auto it = std::sregex_iterator(path.begin(), path.end(), param);
             it != std::sregex_iterator(); ++it) {
          in_path.insert((*it)[1]);
        }
        EXPECT_EQ(declared, in_path) << method << " " << path;
      });
}

TEST(OpenApiCompleteness, FindsRoutesTheDocumentDoesNotDescribe) {
  std::vector<EndpointSignature> routes = {{"GET", "/v1/datasets"},
                                           {"GET", "/v1/grants"},
                                           {"DELETE", "/v1/grants/{grant}"},
                                           {"GET", "/v1/datasets/{dataset}/{resource}"},
                                           {"GET", "/healthz"},
                                           {"PUT", "/v1/grants/{id}"},
                                           {"GET", "/v1/unheard-of"}};
  auto missing = undocumented_routes(doc(), routes);
  ASSERT_EQ(missing.size(), 2u);
  EXPECT_EQ(missing[0], (EndpointSignature{"PUT", "/v1/grants/{id}"}));
  EXPECT_EQ(missing[1], (EndpointSignature{"GET", "/v1/unheard-of"}));
}

TEST(OpenApiCompleteness, EveryDescribedEndpointIsInTheDocument) {
  auto routes = described_endpoints();
  for (const auto& e : endpoint_signatures()) routes.push_back(e);
  EXPECT_TRUE(undocumented_routes(doc(), routes).empty());
}

}  // namespace
}  // namespace bronpoort::catalog
