#pragma once
// What GET /v1/datasets and GET /v1/datasets/{dataset} answer: the plain JSON views for people
// and programs, and the DCAT-AP JSON-LD views for data portals (data.overheid.nl and the like).

#include <bronpoort/catalog/catalog_model.hpp>
#include <bronpoort/core/problem.hpp>
#include <bronpoort/core/result.hpp>

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace bronpoort::catalog {

struct DatasetFilter {
  std::optional<std::string> category;      // exact: person, business, location, sensor
  std::optional<std::string> organisation;  // the OIN, or the name (case-insensitive substring)
  std::optional<std::string> q;             // case-insensitive words, all must occur in the
                                            // title, description or a field definition
};

// Reads the filter from the query string; 400 `invalid-query` naming each bad parameter
// (unknown key, repeated key, unknown category, empty value).
Result<DatasetFilter> parse_dataset_filter(
    const std::vector<std::pair<std::string, std::string>>& query);

std::vector<const Dataset*> find_datasets(const CatalogModel& model, const DatasetFilter& filter);

// The list entry: id, title, description, category, organisation, resources, link.
nlohmann::json dataset_summary_json(const Dataset& d);
// Everything the publication point knows about one dataset: fields, quality, relations resolved
// to links, purposes with legal basis, and how to request access.
nlohmann::json dataset_detail_json(const CatalogModel& model, const Dataset& d);

// DCAT-AP: a dcat:Catalog holding the given datasets, or one dcat:Dataset, each with its own
// @context. IRIs are absolute when the config names a public base URL.
nlohmann::json dcat_catalog_jsonld(const CatalogModel& model,
                                   const std::vector<const Dataset*>& datasets);
nlohmann::json dcat_dataset_jsonld(const CatalogModel& model, const Dataset& d);

// The EU data-theme IRI DCAT-AP expects for one of our four categories.
std::string dcat_theme_iri(const std::string& category);
// An SPDX id becomes its spdx.org IRI; a URL stays as it is.
std::string license_iri(const std::string& license);

// Whether the Accept header prefers DCAT JSON-LD over plain JSON.
bool prefers_json_ld(std::string_view accept);

}  // namespace bronpoort::catalog
