// The catalog's filters, the dataset views and the DCAT-AP export.

#include "catalog_fixture.hpp"

#include <bronpoort/catalog/catalog_views.hpp>

#include <gtest/gtest.h>

namespace bronpoort::catalog {
namespace {

using testing::sample_model;
using Query = std::vector<std::pair<std::string, std::string>>;

std::vector<std::string> ids(const std::vector<const Dataset*>& found) {
  std::vector<std::string> out;
  for (const auto* d : found) out.push_back(d->id);
  return out;
}

std::vector<std::string> find(const Query& q) {
  static const CatalogModel model = sample_model();
  auto filter = parse_dataset_filter(q);
  EXPECT_TRUE(std::holds_alternative<DatasetFilter>(filter));
  return ids(find_datasets(model, std::get<DatasetFilter>(filter)));
}

TEST(DatasetFilter, ByCategoryOrganisationAndText) {
  EXPECT_EQ(find({}), (std::vector<std::string>{"persons", "addresses", "sewage-surveillance"}));
  EXPECT_EQ(find({{"category", "sensor"}}), std::vector<std::string>{"sewage-surveillance"});
  EXPECT_EQ(find({{"organisation", "00000099000000000002"}}),
            std::vector<std::string>{"addresses"});
  EXPECT_EQ(find({{"organisation", "kadaster"}}), std::vector<std::string>{"addresses"});
  EXPECT_EQ(find({{"q", "BSN synthetic"}}), std::vector<std::string>{"persons"});
  EXPECT_EQ(find({{"q", "definition of houseNumber"}}), std::vector<std::string>{"addresses"});
  EXPECT_TRUE(find({{"q", "virus"}, {"category", "person"}}).empty());
}

TEST(DatasetFilter, RefusesBadParametersNamingEach) {
  auto r = parse_dataset_filter(
      {{"category", "animals"}, {"title", "x"}, {"q", "a"}, {"q", "b"}, {"organisation", ""}});
  ASSERT_TRUE(std::holds_alternative<Problem>(r));
  const auto& p = std::get<Problem>(r);
  EXPECT_EQ(p.status, 400);
  EXPECT_EQ(p.code, "invalid-query");
  ASSERT_EQ(p.invalid_params.size(), 4u);
  EXPECT_EQ(p.invalid_params[0].name, "category");
  EXPECT_EQ(p.invalid_params[1].code, "unknown-parameter");
  EXPECT_EQ(p.invalid_params[2].code, "duplicate-parameter");
  EXPECT_EQ(p.invalid_params[3].name, "organisation");
}

TEST(DatasetViews, DetailHasMeaningOwnerRelationsPurposesAndAccess) {
  const CatalogModel model = sample_model();
  auto j = dataset_detail_json(model, *model.dataset("persons"));
  EXPECT_EQ(j["organisation"]["contact"]["email"], "brp@example.nl");
  EXPECT_EQ(j["owner"], "Afdeling BRP");
  EXPECT_EQ(j["category"], "person");
  const auto& r = j["resources"][0];
  EXPECT_EQ(r["dataSubjectType"], "BSN");
  EXPECT_FALSE(r["links"].contains("record")) << "a BSN may not travel in a URL";
  EXPECT_EQ(r["fields"][0]["allowedInUri"], false);
  EXPECT_EQ(r["fields"][1]["quality"], "Always present.");
  EXPECT_EQ(r["relations"][0]["links"]["resource"], "/v1/datasets/addresses/addresses");
  EXPECT_EQ(r["relations"][0]["links"]["record"], "/v1/datasets/addresses/addresses/{addressId}");
  EXPECT_EQ(r["relations"][0]["datasetTitle"], "Addresses (demo)");
  EXPECT_EQ(r["purposes"][0]["legalBasis"]["citation"], "Participatiewet, artikel 35");
  EXPECT_EQ(r["purposes"][0]["links"]["purpose"], "/v1/purposes/energietoeslag-2022");
  EXPECT_EQ(j["access"]["accessRequests"], "/v1/access-requests");
  EXPECT_EQ(j["access"]["requestBody"]["dataset"], "persons");
}

TEST(DatasetViews, DcatHasDistributionPublisherContactThemeLicense) {
  const CatalogModel model = sample_model();
  auto j = dcat_dataset_jsonld(model, *model.dataset("persons"));
  EXPECT_EQ(j["@type"], "dcat:Dataset");
  EXPECT_EQ(j["@id"], "https://gw.example.nl/v1/datasets/persons");
  EXPECT_EQ(j["@context"]["dcat"], "http://www.w3.org/ns/dcat#");
  EXPECT_EQ(j["dct:publisher"]["foaf:name"], "RvIG demo");
  EXPECT_EQ(j["dcat:contactPoint"]["vcard:hasEmail"]["@id"], "mailto:brp@example.nl");
  EXPECT_EQ(j["dcat:theme"]["@id"],
            "http://publications.europa.eu/resource/authority/data-theme/SOCI");
  EXPECT_EQ(j["dct:license"]["@id"], "https://spdx.org/licenses/CC0-1.0");
  const auto& dist = j["dcat:distribution"][0];
  EXPECT_EQ(dist["@type"], "dcat:Distribution");
  EXPECT_EQ(dist["dcat:accessURL"]["@id"], "https://gw.example.nl/v1/datasets/persons/persons");
  EXPECT_EQ(dist["dct:conformsTo"]["@id"], "https://gw.example.nl/v1/openapi.json");

  auto catalog = dcat_catalog_jsonld(model, {model.dataset("addresses")});
  EXPECT_EQ(catalog["@type"], "dcat:Catalog");
  ASSERT_EQ(catalog["dcat:dataset"].size(), 1u);
  EXPECT_EQ(catalog["dcat:dataset"][0]["dct:license"]["@id"],
            "https://creativecommons.org/licenses/by/4.0/");
  EXPECT_EQ(catalog["dcat:dataset"][0]["dcat:theme"]["@id"],
            "http://publications.europa.eu/resource/authority/data-theme/REGI");
}

TEST(DatasetViews, ContentNegotiationPrefersPlainJsonUnlessAsked) {
  EXPECT_TRUE(prefers_json_ld("application/ld+json"));
  EXPECT_TRUE(prefers_json_ld("application/json;q=0.5, application/ld+json"));
  EXPECT_FALSE(prefers_json_ld("application/json, application/ld+json;q=0.9"));
  EXPECT_FALSE(prefers_json_ld("*/*"));
  EXPECT_FALSE(prefers_json_ld("application/ld+json;q=0"));
  EXPECT_FALSE(prefers_json_ld("application/ld+json;q=zzz"));
}

TEST(CatalogModelCheck, RelationToUnknownDatasetOrResourceIsAConfigError) {
  CatalogModel m = sample_model();
  EXPECT_TRUE(check_model(m, "gateway.json").empty());
  m.datasets[0].resources[0].relations.push_back({"addressId", "parcels", "parcels"});
  m.datasets[0].resources[0].relations.push_back({"addressId", "addresses", "buildings"});
  m.datasets[0].resources[0].relations.push_back({"nope", "addresses", "addresses"});
  auto errors = check_model(m, "gateway.json");
  ASSERT_EQ(errors.size(), 3u);
  EXPECT_EQ(errors[0].pointer, "/datasets/persons/resources/persons/relations/1/dataset");
  EXPECT_NE(errors[1].reason.find("buildings"), std::string::npos);
  EXPECT_EQ(errors[2].pointer, "/datasets/persons/resources/persons/relations/3/field");
}

TEST(CatalogModelCheck, FieldNamesMustBeLowerCamelCase) {
  CatalogModel m = sample_model();
  m.datasets[1].resources[0].fields.push_back(testing::field("house_letter", "string", true));
  auto errors = check_model(m, "gateway.json");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].reason.find("lowerCamelCase"), std::string::npos);
}

TEST(CatalogConfig, NeedsContactAndRejectsUnknownKeys) {
  ConfigErrors errors;
  auto ok = load_catalog_config(
      {{"title", "T"},
       {"publicBaseUrl", "https://gw.example.nl/"},
       {"contact", {{"name", "N"}, {"email", "n@example.nl"}, {"url", "https://x"}}}},
      "g.json", errors);
  ASSERT_TRUE(ok) << (errors.empty() ? "" : errors[0].to_string());
  EXPECT_EQ(ok->public_base_url, "https://gw.example.nl");
  errors.clear();
  auto bad = load_catalog_config({{"titel", "T"}, {"contact", {{"name", "N"}, {"email", "nope"}}}},
                                 "g.json", errors);
  EXPECT_FALSE(bad);
  ASSERT_EQ(errors.size(), 3u);
  EXPECT_EQ(errors[0].pointer, "/catalog/titel");
  EXPECT_EQ(errors[1].pointer, "/catalog/contact/email");
  EXPECT_EQ(errors[2].pointer, "/catalog/contact");
}

}  // namespace
}  // namespace bronpoort::catalog
