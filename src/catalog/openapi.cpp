// Assembles the OpenAPI document and checks it against the router's routes.

#include "openapi_parts.hpp"

#include <bronpoort/catalog/openapi.hpp>
#include <bronpoort/core/api_version.hpp>

#include <algorithm>
#include <cctype>

namespace bronpoort::catalog {
namespace {

std::vector<openapi::Operation> all_fixed_operations() {
  std::vector<openapi::Operation> ops = openapi::catalog_operations();
  for (auto&& group : {openapi::access_operations(), openapi::processing_log_operations(),
                       openapi::linkage_operations()}) {
    ops.insert(ops.end(), group.begin(), group.end());
  }
  return ops;
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// Path relative to the server URL ("/v1/grants" -> "/grants").
std::string relative(const std::string& path) {
  const std::string major = kApiMajorPath;
  return path.rfind(major, 0) == 0 ? path.substr(major.size()) : path;
}

std::vector<std::string> segments(std::string_view path) {
  std::vector<std::string> out;
  std::size_t pos = 1;
  while (pos <= path.size()) {
    std::size_t end = path.find('/', pos);
    if (end == std::string_view::npos) end = path.size();
    out.emplace_back(path.substr(pos, end - pos));
    pos = end + 1;
  }
  return out;
}

bool is_param(const std::string& segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

bool same_shape(const std::string& route, const std::string& documented) {
  auto a = segments(route);
  auto b = segments(documented);
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i] != b[i] && !is_param(a[i]) && !is_param(b[i])) return false;
  }
  return true;
}

nlohmann::json tags(const CatalogModel& model) {
  nlohmann::json out = nlohmann::json::array(
      {{{"name", "catalog"},
        {"description", "The publication point: datasets, their meaning and this document."}},
       {{"name", "purposes"},
        {"description", "The purpose register (doelbinding) with legal bases."}},
       {{"name", "access-requests"},
        {"description", "Asking for access; source holders approve or reject."}},
       {{"name", "grants"}, {"description", "Access granted to organisations and roles."}},
       {{"name", "access-checks"}, {"description", "Dry-run access decisions."}},
       {{"name", "processing-log"},
        {"description", "The append-only processing log (Logboek Dataverwerkingen)."}},
       {{"name", "linked-queries"},
        {"description",
         "The trusted third party: sources linked on a shared key, delivered as aggregates or "
         "pseudonymised rows."}}});
  for (const auto& d : model.datasets) {
    out.push_back({{"name", d.id}, {"description", d.title + " (" + d.organisation.name + ")"}});
  }
  return out;
}

}  // namespace

std::string pascal_case(const std::string& id) {
  std::string out;
  bool up = true;
  for (char c : id) {
    if (!std::isalnum(static_cast<unsigned char>(c))) {
      up = true;
      continue;
    }
    out += up ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
    up = false;
  }
  return out;
}

bool is_lower_camel_case(const std::string& name) {
  if (name.empty() || !std::islower(static_cast<unsigned char>(name.front()))) return false;
  return std::all_of(name.begin(), name.end(),
                     [](unsigned char c) { return std::isalnum(c) != 0; });
}

std::vector<std::string> filter_parameter_names(const Field& field) {
  if (!field.filterable || field.sensitive) return {};
  std::vector<std::string> names = {field.name};
  if (field.type != "boolean") {
    for (const char* op : {"Gt", "Gte", "Lt", "Lte"}) names.push_back(field.name + op);
  }
  if (field.type == "string") names.push_back(field.name + "StartsWith");
  names.push_back(field.name + "In");
  return names;
}

const std::vector<EndpointSignature>& described_endpoints() {
  static const std::vector<EndpointSignature> endpoints = [] {
    std::vector<EndpointSignature> out;
    for (const auto& op : all_fixed_operations()) out.push_back({op.method, op.path});
    return out;
  }();
  return endpoints;
}

nlohmann::json generate_openapi(const CatalogModel& model) {
  nlohmann::json components = openapi::components();
  nlohmann::json paths = nlohmann::json::object();
  openapi::add_data_paths(model, paths, components["schemas"]);
  for (auto& op : all_fixed_operations()) {
    // The catalog's own endpoints are always there; others only when the router serves them,
    // so the document never promises an endpoint that would answer 404.
    const bool own = op.path == "/v1/datasets" || op.path == "/v1/datasets/{dataset}" ||
                     op.path == "/v1/openapi.json";
    if (!own && !model.has_endpoint(op.method, op.path)) continue;
    paths[relative(op.path)][lower(op.method)] = std::move(op.operation);
  }
  const auto& pub = model.publisher;
  nlohmann::json info = {
      {"title", pub.title},
      {"description",
       pub.description.empty()
           ? "One access point to the registries of many source holders. Every data request "
             "states its purpose (Processing-Purpose header), is checked for role, purpose and "
             "grant, is answered from the source itself, and is written to a tamper-evident "
             "processing log before any data is released."
           : pub.description},
      {"version", kApiVersion},
      {"contact",
       {{"name", pub.contact.name}, {"email", pub.contact.email}, {"url", pub.contact.url}}}};
  return {{"openapi", "3.0.3"},
          {"info", info},
          {"servers",
           nlohmann::json::array({{{"url", kApiMajorPath}, {"description", "This gateway."}}})},
          {"tags", tags(model)},
          {"security", nlohmann::json::array({{{"bearerAuth", nlohmann::json::array()}}})},
          {"paths", paths},
          {"components", components}};
}

std::vector<EndpointSignature> undocumented_routes(const nlohmann::json& document,
                                                   const std::vector<EndpointSignature>& routes) {
  std::vector<EndpointSignature> missing;
  const std::string major = kApiMajorPath;
  const auto paths = document.value("paths", nlohmann::json::object());
  for (const auto& route : routes) {
    if (route.path_template != major && route.path_template.rfind(major + "/", 0) != 0) continue;
    const std::string method = lower(route.method);
    const std::string rel = relative(route.path_template);
    bool found = false;
    for (const auto& [path, item] : paths.items()) {
      if (item.contains(method) && same_shape(rel, path)) {
        found = true;
        break;
      }
    }
    if (!found) missing.push_back(route);
  }
  return missing;
}

}  // namespace bronpoort::catalog
