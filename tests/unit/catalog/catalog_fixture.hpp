#pragma once
// A hand-built catalog model: a persons registry keyed on BSN (identifying, so no detail route
// and no BSN query parameters), an addresses registry it relates to, and a sensor dataset whose
// record schema uses $defs, $ref, nullable type arrays, const and exclusive bounds.

#include <bronpoort/catalog/catalog_model.hpp>
#include <bronpoort/catalog/endpoints.hpp>
#include <bronpoort/catalog/openapi.hpp>

namespace bronpoort::catalog::testing {

inline Field field(std::string name, std::string type, bool filterable, bool sensitive = false,
                   std::string format = {}) {
  Field f;
  f.name = std::move(name);
  f.type = std::move(type);
  f.format = std::move(format);
  f.filterable = filterable;
  f.sortable = filterable;
  f.sensitive = sensitive;
  f.definition = "Definition of " + f.name + ".";
  f.personal_data = sensitive;
  return f;
}

inline CatalogModel sample_model() {
  CatalogModel m;
  m.publisher.title = "Bronpoort test";
  m.publisher.contact = {"Team Bronpoort", "bronpoort@example.nl", "https://example.nl/bronpoort"};
  m.publisher.public_base_url = "https://gw.example.nl";

  Dataset persons;
  persons.id = "persons";
  persons.title = "Persons (demo)";
  persons.description = "Synthetic persons registry keyed on BSN.";
  persons.owner = "Afdeling BRP";
  persons.category = "person";
  persons.license = "CC0-1.0";
  persons.organisation = {"RvIG demo",
                          "00000099000000000001",
                          {"Servicedesk", "brp@example.nl", "https://example.nl/brp"}};
  Resource pr;
  pr.id = "persons";
  pr.id_field = "bsn";
  pr.subject_type = "BSN";
  pr.fields = {field("bsn", "string", true, true), field("familyName", "string", true),
               field("birthDate", "string", true, false, "date"),
               field("addressId", "string", true), field("givenName", "string", false)};
  pr.fields[1].quality = "Always present.";
  pr.relations = {{"addressId", "addresses", "addresses"}};
  pr.purposes = {{"energietoeslag-2022",
                  "Energietoeslag 2022",
                  "Participatiewet, artikel 35",
                  "LegalObligation",
                  "https://example.nl/activities/1",
                  "case",
                  {"case-worker"},
                  {"bsn", "familyName"},
                  true}};
  pr.schema = {{"$schema", "https://json-schema.org/draft/2020-12/schema"},
               {"type", "object"},
               {"required", {"bsn", "familyName"}},
               {"properties",
                {{"bsn", {{"type", "string"}, {"pattern", "^[0-9]{9}$"}}},
                 {"familyName", {{"type", "string"}}},
                 {"birthDate", {{"type", "string"}, {"format", "date"}}},
                 {"addressId", {{"type", "string"}}},
                 {"givenName", {{"type", "string"}}}}}};
  persons.resources.push_back(pr);

  Dataset addresses;
  addresses.id = "addresses";
  addresses.title = "Addresses (demo)";
  addresses.description = "Residential addresses with municipality.";
  addresses.category = "location";
  addresses.license = "https://creativecommons.org/licenses/by/4.0/";
  addresses.organisation = {"Kadaster demo",
                            "00000099000000000002",
                            {"Kadaster", "bag@example.nl", "https://example.nl/bag"}};
  Resource ar;
  ar.id = "addresses";
  ar.id_field = "addressId";
  ar.fields = {field("addressId", "string", true), field("houseNumber", "integer", true),
               field("active", "boolean", true)};
  ar.schema = {{"type", "object"},
               {"properties",
                {{"addressId", {{"type", "string"}}},
                 {"houseNumber", {{"type", "integer"}}},
                 {"active", {{"type", "boolean"}}}}}};
  addresses.resources.push_back(ar);

  Dataset sewage;
  sewage.id = "sewage-surveillance";
  sewage.title = "Sewage surveillance (demo)";
  sewage.description = "Virus concentrations in sewage.";
  sewage.category = "sensor";
  sewage.license = "CC-BY-4.0";
  sewage.organisation = {
      "RIVM demo", "00000099000000000003", {"RIVM", "rivm@example.nl", "https://example.nl/rivm"}};
  Resource sr;
  sr.id = "measurements";
  sr.id_field = "measurementId";
  sr.fields = {field("measurementId", "string", true), field("concentration", "number", true),
               field("plant", "string", false)};
  sr.schema = {{"$schema", "https://json-schema.org/draft/2020-12/schema"},
               {"$id", "https://example.nl/sewage.schema.json"},
               {"type", "object"},
               {"$defs",
                {{"plant",
                  {{"type", "object"},
                   {"properties",
                    {{"name", {{"type", "string"}}}, {"parent", {{"$ref", "#/$defs/plant"}}}}}}}}},
               {"properties",
                {{"measurementId", {{"type", "string"}, {"examples", {"M-1", "M-2"}}}},
                 {"concentration", {{"type", {"number", "null"}}, {"exclusiveMinimum", 0}}},
                 {"unit", {{"const", "per-ml"}}},
                 {"plant", {{"$ref", "#/$defs/plant"}, {"description", "Where it was measured."}}},
                 {"self", {{"$ref", "#"}}},
                 {"elsewhere", {{"$ref", "other.schema.json#/x"}}}}}};
  sewage.resources.push_back(sr);

  m.datasets = {persons, addresses, sewage};
  m.endpoints = endpoint_signatures();
  for (const auto& e : described_endpoints()) m.endpoints.push_back(e);
  return m;
}

}  // namespace bronpoort::catalog::testing
