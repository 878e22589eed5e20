#pragma once
// The publication point's own view of what the gateway offers: datasets with their meaning,
// owners and legal bases, and the gateway's endpoints. The pipeline converts the source registry
// and the purpose register into this model (src/pipeline/catalog_input.cpp), so the catalog does
// not depend on either stage. Built once per config load and shared read-only by all requests.

#include <bronpoort/core/config_error.hpp>

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bronpoort::catalog {

struct Contact {
  std::string name;
  std::string email;
  std::string url;
};

struct Organisation {
  std::string name;
  std::string oin;  // Organisatie-identificatienummer
  Contact contact;
};

struct Field {
  std::string name;
  std::string type;    // JSON type: "string", "integer", "number", "boolean"
  std::string format;  // e.g. "date"; empty when none
  bool nullable = false;
  std::string definition;
  std::string quality;  // quality note; empty when none
  bool personal_data = false;
  bool filterable = false;
  bool sortable = false;
  // Values identify a person (BSN): never in a URI, so filters on it only go through search.
  bool sensitive = false;
};

struct Relation {
  std::string field;  // the field in this resource holding the related record's id
  std::string dataset;
  std::string resource;
};

// A purpose that covers (part of) a resource, with the legal basis that makes processing lawful.
struct PurposeCoverage {
  std::string id;
  std::string name;
  std::string legal_basis;           // citation, e.g. "Participatiewet, artikel 64"
  std::string legal_basis_category;  // DPV-style: "LegalObligation", "PublicTask", ...
  std::string processing_activity;   // URI
  std::string scope;                 // "case" or "dataset"
  std::vector<std::string> roles;
  std::vector<std::string> fields;  // covered fields of this resource
  bool pre_approved = false;
};

struct Resource {
  std::string id;
  std::string id_field;
  std::string subject_type;  // e.g. "BSN" when records are about persons; empty otherwise
  std::vector<Field> fields;
  std::vector<Relation> relations;
  std::vector<PurposeCoverage> purposes;
  nlohmann::json schema = nlohmann::json::object();  // the record's JSON schema (2020-12 or 07)
  int default_page_size = 20;
  int max_page_size = 100;

  const Field* field(std::string_view name) const;
  // Whether a record can be fetched by id in the URL (not when the id identifies a person).
  bool detail_in_uri() const;
};

struct Dataset {
  std::string id;
  std::string title;
  std::string description;
  std::string owner;     // team or department within the organisation
  std::string category;  // person, business, location or sensor
  std::string license;   // SPDX id or URL
  Organisation organisation;
  std::vector<Resource> resources;

  const Resource* resource(std::string_view id) const;
};

// A route the router actually serves, e.g. {"POST", "/v1/access-requests/{id}/approve"}.
struct EndpointSignature {
  std::string method;
  std::string path_template;
  friend bool operator==(const EndpointSignature&, const EndpointSignature&) = default;
};

// The `catalog` section of gateway.json: who publishes the API and where it is reachable.
struct CatalogConfig {
  std::string title = "Bronpoort";
  std::string description;
  Contact contact;
  // Absolute base URL of the gateway (e.g. "https://bronpoort.example.nl"), used for the IRIs of
  // the DCAT catalog. Empty: DCAT IRIs are relative to the server.
  std::string public_base_url;
};

struct CatalogModel {
  CatalogConfig publisher;
  std::vector<Dataset> datasets;
  std::vector<EndpointSignature> endpoints;  // the gateway's own (non-data) endpoints

  const Dataset* dataset(std::string_view id) const;
  bool has_endpoint(std::string_view method, std::string_view path_template) const;
};

// Checks what the catalog relies on: relations point at a known dataset/resource and an existing
// field, purposes name fields that exist, categories are one of the four. `file` names the
// config in errors.
ConfigErrors check_model(const CatalogModel& model, const std::string& file);

// Reads the `catalog` section:
//   {"title": "...", "description": "...", "publicBaseUrl": "https://...",
//    "contact": {"name": "...", "email": "...", "url": "https://..."}}
// Unknown keys are errors; contact name, email and url are required (NL API Design Rules).
std::optional<CatalogConfig> load_catalog_config(const nlohmann::json& section,
                                                 const std::string& file, ConfigErrors& errors);

}  // namespace bronpoort::catalog
