// The plain JSON views of the catalog. Property names are lowerCamelCase (NL API Design Rules).

#include <bronpoort/catalog/catalog_views.hpp>
#include <bronpoort/core/api_version.hpp>

namespace bronpoort::catalog {
namespace {

std::string dataset_path(const std::string& dataset) {
  return std::string(kApiMajorPath) + "/datasets/" + dataset;
}

nlohmann::json organisation_json(const Organisation& o) {
  return {
      {"name", o.name},
      {"oin", o.oin},
      {"contact", {{"name", o.contact.name}, {"email", o.contact.email}, {"url", o.contact.url}}}};
}

nlohmann::json field_json(const Field& f) {
  nlohmann::json j = {{"name", f.name},
                      {"type", f.type},
                      {"definition", f.definition},
                      {"personalData", f.personal_data},
                      {"filterable", f.filterable},
                      {"sortable", f.sortable},
                      {"nullable", f.nullable},
                      // Sensitive identifiers are only searchable through POST .../search.
                      {"allowedInUri", !f.sensitive}};
  if (!f.format.empty()) j["format"] = f.format;
  if (!f.quality.empty()) j["quality"] = f.quality;
  return j;
}

nlohmann::json relation_json(const CatalogModel& model, const Relation& rel) {
  nlohmann::json j = {{"field", rel.field}, {"dataset", rel.dataset}, {"resource", rel.resource}};
  nlohmann::json links = {{"dataset", dataset_path(rel.dataset)},
                          {"resource", dataset_path(rel.dataset) + "/" + rel.resource}};
  if (const Dataset* d = model.dataset(rel.dataset)) {
    j["datasetTitle"] = d->title;
    if (const Resource* r = d->resource(rel.resource); r != nullptr && r->detail_in_uri()) {
      links["record"] = dataset_path(rel.dataset) + "/" + rel.resource + "/{" + rel.field + "}";
    }
  }
  j["links"] = links;
  return j;
}

nlohmann::json purpose_json(const CatalogModel& model, const PurposeCoverage& p) {
  nlohmann::json j = {
      {"id", p.id},
      {"name", p.name},
      {"legalBasis", {{"citation", p.legal_basis}, {"category", p.legal_basis_category}}},
      {"processingActivity", p.processing_activity},
      {"scope", p.scope},
      {"roles", p.roles},
      {"fields", p.fields},
      {"preApproved", p.pre_approved}};
  if (model.has_endpoint("GET", "/v1/purposes/{id}")) {
    j["links"] = {{"purpose", std::string(kApiMajorPath) + "/purposes/" + p.id}};
  }
  return j;
}

nlohmann::json resource_json(const CatalogModel& model, const Dataset& d, const Resource& r) {
  const std::string base = dataset_path(d.id) + "/" + r.id;
  nlohmann::json fields = nlohmann::json::array();
  for (const auto& f : r.fields) fields.push_back(field_json(f));
  nlohmann::json relations = nlohmann::json::array();
  for (const auto& rel : r.relations) relations.push_back(relation_json(model, rel));
  nlohmann::json purposes = nlohmann::json::array();
  for (const auto& p : r.purposes) purposes.push_back(purpose_json(model, p));
  nlohmann::json links = {{"records", base}, {"search", base + "/search"}};
  if (r.detail_in_uri()) links["record"] = base + "/{" + r.id_field + "}";
  nlohmann::json j = {
      {"id", r.id},
      {"idField", r.id_field},
      {"fields", fields},
      {"relations", relations},
      {"purposes", purposes},
      {"paging", {{"defaultPageSize", r.default_page_size}, {"maxPageSize", r.max_page_size}}},
      {"links", links}};
  if (!r.subject_type.empty()) j["dataSubjectType"] = r.subject_type;
  return j;
}

}  // namespace

nlohmann::json dataset_summary_json(const Dataset& d) {
  nlohmann::json resources = nlohmann::json::array();
  for (const auto& r : d.resources) resources.push_back(r.id);
  return {{"id", d.id},
          {"title", d.title},
          {"description", d.description},
          {"category", d.category},
          {"organisation", {{"name", d.organisation.name}, {"oin", d.organisation.oin}}},
          {"resources", resources},
          {"links", {{"self", dataset_path(d.id)}}}};
}

nlohmann::json dataset_detail_json(const CatalogModel& model, const Dataset& d) {
  nlohmann::json resources = nlohmann::json::array();
  for (const auto& r : d.resources) resources.push_back(resource_json(model, d, r));
  nlohmann::json access = {
      {"description",
       "Data is released only for a purpose that covers it, to a role that purpose allows, under "
       "a grant. Check what you would get with POST /v1/access-checks; ask for access with POST "
       "/v1/access-requests. The source holder approves or rejects; requests matching a "
       "pre-approved purpose or an earlier approval are approved at once. Every data request "
       "states its purpose in the Processing-Purpose header."},
      {"accessRequests", std::string(kApiMajorPath) + "/access-requests"},
      {"accessChecks", std::string(kApiMajorPath) + "/access-checks"},
      {"method", "POST"},
      {"requestBody",
       {{"role", "your role"},
        {"purpose", "a purpose id from the resources' purposes"},
        {"dataset", d.id},
        {"resource", d.resources.empty() ? std::string() : d.resources.front().id},
        {"fields", nlohmann::json::array()},
        {"motivation", "why you need the data"}}}};
  return {
      {"id", d.id},
      {"title", d.title},
      {"description", d.description},
      {"category", d.category},
      {"license", d.license},
      {"owner", d.owner},
      {"organisation", organisation_json(d.organisation)},
      {"resources", resources},
      {"access", access},
      {"links",
       {{"self", dataset_path(d.id)}, {"openapi", std::string(kApiMajorPath) + "/openapi.json"}}}};
}

}  // namespace bronpoort::catalog
