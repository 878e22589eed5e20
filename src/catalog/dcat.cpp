// DCAT-AP (JSON-LD) views of the catalog, so national data portals can harvest the publication
// point: each dataset with its publisher, contact point, theme, license, and one distribution per
// resource pointing at the gateway's REST endpoint.

#include <bronpoort/catalog/catalog_views.hpp>
#include <bronpoort/core/api_version.hpp>

namespace bronpoort::catalog {
namespace {

nlohmann::json context() {
  return {{"dcat", "http://www.w3.org/ns/dcat#"},
          {"dct", "http://purl.org/dc/terms/"},
          {"foaf", "http://xmlns.com/foaf/0.1/"},
          {"vcard", "http://www.w3.org/2006/vcard/ns#"},
          {"adms", "http://www.w3.org/ns/adms#"}};
}

std::string iri(const CatalogModel& model, const std::string& path) {
  return model.publisher.public_base_url + std::string(kApiMajorPath) + path;
}

nlohmann::json id_ref(const std::string& iri_text) {
  return {{"@id", iri_text}};
}

nlohmann::json publisher(const Organisation& o) {
  nlohmann::json j = {{"@type", "foaf:Organization"}, {"foaf:name", o.name}};
  if (!o.oin.empty()) {
    j["@id"] = "urn:nl:oin:" + o.oin;
    j["dct:identifier"] = o.oin;
  }
  return j;
}

nlohmann::json contact_point(const Contact& c) {
  nlohmann::json j = {{"@type", "vcard:Organization"}, {"vcard:fn", c.name}};
  if (!c.email.empty()) j["vcard:hasEmail"] = id_ref("mailto:" + c.email);
  if (!c.url.empty()) j["vcard:hasURL"] = id_ref(c.url);
  return j;
}

nlohmann::json distribution(const CatalogModel& model, const Dataset& d, const Resource& r) {
  const std::string url = iri(model, "/datasets/" + d.id + "/" + r.id);
  return {
      {"@id", url},
      {"@type", "dcat:Distribution"},
      {"dct:identifier", d.id + "/" + r.id},
      {"dct:title", d.title + ": " + r.id},
      {"dct:description",
       "REST endpoint of Bronpoort; needs a bearer token and a Processing-Purpose header "
       "naming a purpose that covers this resource."},
      {"dcat:accessURL", id_ref(url)},
      {"dcat:mediaType", id_ref("http://www.iana.org/assignments/media-types/application/json")},
      {"dct:license", id_ref(license_iri(d.license))},
      {"dct:conformsTo", id_ref(iri(model, "/openapi.json"))},
      {"dcat:accessService",
       {{"@type", "dcat:DataService"},
        {"dct:title", model.publisher.title},
        {"dcat:endpointURL", id_ref(iri(model, ""))},
        {"dcat:endpointDescription", id_ref(iri(model, "/openapi.json"))}}}};
}

nlohmann::json dataset_node(const CatalogModel& model, const Dataset& d) {
  nlohmann::json distributions = nlohmann::json::array();
  nlohmann::json keywords = nlohmann::json::array({d.category});
  for (const auto& r : d.resources) {
    distributions.push_back(distribution(model, d, r));
    keywords.push_back(r.id);
  }
  return {{"@id", iri(model, "/datasets/" + d.id)},
          {"@type", "dcat:Dataset"},
          {"dct:identifier", d.id},
          {"dct:title", d.title},
          {"dct:description", d.description},
          {"dct:publisher", publisher(d.organisation)},
          {"dcat:contactPoint", contact_point(d.organisation.contact)},
          {"dcat:theme", id_ref(dcat_theme_iri(d.category))},
          {"dcat:keyword", keywords},
          {"dct:license", id_ref(license_iri(d.license))},
          {"dcat:landingPage", id_ref(iri(model, "/datasets/" + d.id))},
          {"dcat:distribution", distributions}};
}

}  // namespace

std::string dcat_theme_iri(const std::string& category) {
  // EU Publications Office data-theme vocabulary, the one DCAT-AP requires for dcat:theme.
  static const std::string base = "http://publications.europa.eu/resource/authority/data-theme/";
  if (category == "person") return base + "SOCI";    // population and society
  if (category == "business") return base + "ECON";  // economy and finance
  if (category == "location") return base + "REGI";  // regions and cities
  if (category == "sensor") return base + "TECH";    // science and technology (measurements)
  return base + "OP_DATPRO";                         // provisional data
}

std::string license_iri(const std::string& license) {
  if (license.rfind("http://", 0) == 0 || license.rfind("https://", 0) == 0) return license;
  return "https://spdx.org/licenses/" + license;
}

nlohmann::json dcat_catalog_jsonld(const CatalogModel& model,
                                   const std::vector<const Dataset*>& datasets) {
  nlohmann::json nodes = nlohmann::json::array();
  for (const Dataset* d : datasets) nodes.push_back(dataset_node(model, *d));
  const auto& pub = model.publisher;
  nlohmann::json j = {
      {"@context", context()},
      {"@id", iri(model, "/datasets")},
      {"@type", "dcat:Catalog"},
      {"dct:title", pub.title},
      {"dct:description",
       pub.description.empty() ? "Datasets available through " + pub.title : pub.description},
      {"dct:publisher", {{"@type", "foaf:Organization"}, {"foaf:name", pub.contact.name}}},
      {"dcat:contactPoint", contact_point(pub.contact)},
      {"dcat:dataset", nodes}};
  return j;
}

nlohmann::json dcat_dataset_jsonld(const CatalogModel& model, const Dataset& d) {
  nlohmann::json j = dataset_node(model, d);
  j["@context"] = context();
  return j;
}

}  // namespace bronpoort::catalog
