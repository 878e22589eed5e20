#include <bronpoort/catalog/catalog_model.hpp>

#include <algorithm>
#include <array>

namespace bronpoort::catalog {

const Field* Resource::field(std::string_view name) const {
  for (const auto& f : fields) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

bool Resource::detail_in_uri() const {
  const Field* id = field(id_field);
  return id != nullptr && !id->sensitive;
}

const Resource* Dataset::resource(std::string_view rid) const {
  for (const auto& r : resources) {
    if (r.id == rid) return &r;
  }
  return nullptr;
}

const Dataset* CatalogModel::dataset(std::string_view id) const {
  for (const auto& d : datasets) {
    if (d.id == id) return &d;
  }
  return nullptr;
}

bool CatalogModel::has_endpoint(std::string_view method, std::string_view path_template) const {
  return std::any_of(endpoints.begin(), endpoints.end(), [&](const EndpointSignature& e) {
    return e.method == method && e.path_template == path_template;
  });
}

namespace {

constexpr std::array<std::string_view, 4> kCategories = {"person", "business", "location",
                                                         "sensor"};

bool lower_camel(const std::string& name) {
  if (name.empty() || name.front() < 'a' || name.front() > 'z') return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  });
}

void check_resource(const CatalogModel& model, const Dataset& d, const Resource& r,
                    const std::string& where, const std::string& file, ConfigErrors& errors) {
  // Field names become JSON properties and query keys, which the NL API Design Rules want in
  // lowerCamelCase; a source with other names must be mapped before it is published.
  for (const auto& f : r.fields) {
    if (!lower_camel(f.name)) {
      errors.push_back({file, where + "/fields/" + f.name,
                        "field name \"" + f.name +
                            "\" is not lowerCamelCase (letters and digits, starting lower-case)"});
    }
  }
  for (std::size_t i = 0; i < r.relations.size(); ++i) {
    const Relation& rel = r.relations[i];
    const std::string ptr = where + "/relations/" + std::to_string(i);
    if (r.field(rel.field) == nullptr) {
      errors.push_back({file, ptr + "/field",
                        "relation field \"" + rel.field + "\" is not a field of resource " + r.id});
    }
    const Dataset* target = model.dataset(rel.dataset);
    if (target == nullptr) {
      errors.push_back(
          {file, ptr + "/dataset", "relation points at unknown dataset \"" + rel.dataset + "\""});
    } else if (target->resource(rel.resource) == nullptr) {
      errors.push_back({file, ptr + "/resource",
                        "relation points at unknown resource \"" + rel.resource +
                            "\" of dataset \"" + rel.dataset + "\""});
    }
  }
  for (const auto& p : r.purposes) {
    for (const auto& f : p.fields) {
      if (r.field(f) == nullptr) {
        errors.push_back({file, where + "/purposes/" + p.id,
                          "purpose " + p.id + " covers field \"" + f + "\" that " + d.id + "/" +
                              r.id + " does not have"});
      }
    }
  }
}

}  // namespace

ConfigErrors check_model(const CatalogModel& model, const std::string& file) {
  ConfigErrors errors;
  for (const auto& d : model.datasets) {
    const std::string where = "/datasets/" + d.id;
    if (std::find(kCategories.begin(), kCategories.end(), d.category) == kCategories.end()) {
      errors.push_back(
          {file, where + "/category",
           "category \"" + d.category + "\" is not one of person, business, location, sensor"});
    }
    for (const auto& r : d.resources) {
      check_resource(model, d, r, where + "/resources/" + r.id, file, errors);
    }
  }
  return errors;
}

namespace {

std::optional<std::string> read_string(const nlohmann::json& obj, const char* key,
                                       const std::string& pointer, const std::string& file,
                                       bool required, ConfigErrors& errors) {
  auto it = obj.find(key);
  if (it == obj.end()) {
    if (required) errors.push_back({file, pointer, std::string("missing \"") + key + "\""});
    return std::nullopt;
  }
  if (!it->is_string() || it->get_ref<const std::string&>().empty()) {
    errors.push_back({file, pointer + "/" + key, "must be a non-empty string"});
    return std::nullopt;
  }
  return it->get<std::string>();
}

void reject_unknown(const nlohmann::json& obj, std::initializer_list<std::string_view> known,
                    const std::string& pointer, const std::string& file, ConfigErrors& errors) {
  for (const auto& [key, value] : obj.items()) {
    if (std::find(known.begin(), known.end(), key) == known.end()) {
      errors.push_back({file, pointer + "/" + key, "unknown key"});
    }
  }
}

}  // namespace

std::optional<CatalogConfig> load_catalog_config(const nlohmann::json& section,
                                                 const std::string& file, ConfigErrors& errors) {
  const std::string ptr = "/catalog";
  if (!section.is_object()) {
    errors.push_back({file, ptr, "must be an object"});
    return std::nullopt;
  }
  const std::size_t before = errors.size();
  reject_unknown(section, {"title", "description", "publicBaseUrl", "contact"}, ptr, file, errors);
  CatalogConfig cfg;
  if (auto v = read_string(section, "title", ptr, file, false, errors)) cfg.title = *v;
  if (auto v = read_string(section, "description", ptr, file, false, errors)) cfg.description = *v;
  if (auto v = read_string(section, "publicBaseUrl", ptr, file, false, errors)) {
    if (v->rfind("https://", 0) != 0 && v->rfind("http://", 0) != 0) {
      errors.push_back({file, ptr + "/publicBaseUrl", "must be an absolute http(s) URL"});
    } else {
      while (!v->empty() && v->back() == '/') v->pop_back();
      cfg.public_base_url = *v;
    }
  }
  auto contact = section.find("contact");
  if (contact == section.end()) {
    errors.push_back({file, ptr, "missing \"contact\" (name, email and url of the API's owner)"});
  } else if (!contact->is_object()) {
    errors.push_back({file, ptr + "/contact", "must be an object"});
  } else {
    const std::string cptr = ptr + "/contact";
    reject_unknown(*contact, {"name", "email", "url"}, cptr, file, errors);
    if (auto v = read_string(*contact, "name", cptr, file, true, errors)) cfg.contact.name = *v;
    if (auto v = read_string(*contact, "email", cptr, file, true, errors)) {
      if (v->find('@') == std::string::npos) {
        errors.push_back({file, cptr + "/email", "must be an e-mail address"});
      }
      cfg.contact.email = *v;
    }
    if (auto v = read_string(*contact, "url", cptr, file, true, errors)) cfg.contact.url = *v;
  }
  if (errors.size() != before) return std::nullopt;
  return cfg;
}

}  // namespace bronpoort::catalog
