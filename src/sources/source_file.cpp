// Parses one source-holder file: the organisation, its datasets and their resources.
#include "config_reader.hpp"
#include "connector_config.hpp"
#include "record_schema.hpp"

#include <bronpoort/config/schema_check.hpp>
#include <bronpoort/schema/bundled.hpp>
#include <bronpoort/schema/validator.hpp>
#include <bronpoort/sources/registry.hpp>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

namespace bronpoort::sources {
namespace {

namespace fs = std::filesystem;

bool read_json_file(const std::string& path, nlohmann::json& out, ConfigErrors& errors) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    errors.push_back(ConfigError{path, "", "cannot be read"});
    return false;
  }
  std::stringstream buf;
  buf << in.rdbuf();
  out = nlohmann::json::parse(buf.str(), nullptr, false);
  if (out.is_discarded()) {
    errors.push_back(ConfigError{path, "", "is not valid JSON"});
    return false;
  }
  return true;
}

bool is_kebab_id(const std::string& s) {
  static const std::regex re("^[a-z0-9]+(-[a-z0-9]+)*$");
  return s.size() <= 64 && std::regex_match(s, re);
}

std::optional<Category> parse_category(const std::string& s) {
  if (s == "person") return Category::Person;
  if (s == "business") return Category::Business;
  if (s == "location") return Category::Location;
  if (s == "sensor") return Category::Sensor;
  return std::nullopt;
}

void read_organisation(ConfigReader& r, Organisation& org) {
  if (auto v = r.string("name", true)) org.name = *v;
  if (auto v = r.string("oin", true)) {
    org.oin = *v;
    static const std::regex oin("^[0-9]{20}$");
    if (!std::regex_match(*v, oin))
      r.error_at(r.child_pointer("oin"), "must be 20 digits (an OIN)");
  }
  if (const auto* c = r.member("contact", true)) {
    ConfigReader cr(*c, r.file(), r.child_pointer("contact"), r.errors());
    if (auto v = cr.string("name", true)) org.contact.name = *v;
    if (auto v = cr.string("email", true)) {
      org.contact.email = *v;
      static const std::regex email(R"(^[^@\s]+@[^@\s]+\.[^@\s]+$)");
      if (!std::regex_match(*v, email))
        cr.error_at(cr.child_pointer("email"), "must be an email address");
    }
    if (auto v = cr.string("url", false)) {
      org.contact.url = *v;
      if (v->rfind("https://", 0) != 0 && v->rfind("http://", 0) != 0) {
        cr.error_at(cr.child_pointer("url"), "must be an http(s) URL");
      }
    }
    cr.reject_unknown();
  }
  r.reject_unknown();
}

// Loads the record schema a resource names; the name must stay inside the schema directory.
bool load_record_schema(ConfigReader& r, const std::string& schema_dir, Resource& res,
                        ConfigErrors& errors) {
  auto name = r.string("schema", true);
  if (!name) return false;
  fs::path rel(*name);
  bool escapes = rel.is_absolute() || rel.extension() != ".json";
  for (const auto& part : rel) escapes = escapes || part == "..";
  if (escapes) {
    r.error_at(r.child_pointer("schema"),
               "must be a .json file name relative to the schema directory " + schema_dir);
    return false;
  }
  res.schema_file = (fs::path(schema_dir) / rel).string();
  if (!read_json_file(res.schema_file, res.schema, errors)) return false;
  std::size_t before = errors.size();
  res.fields = fields_from_schema(res.schema, res.schema_file, errors);
  schema::SchemaRegistry refs;
  schema::Compiler compiler(refs, schema::own_schema_options());
  auto compiled = compiler.compile(res.schema, "file://" + res.schema_file);
  if (!compiled) {
    for (const auto& e : compiled.errors()) {
      errors.push_back(ConfigError{res.schema_file, "", "does not compile: " + e.to_string()});
    }
  } else {
    res.compiled_schema = compiled.schema();
    nlohmann::json projection = res.schema;
    if (projection.is_object()) projection.erase("required");
    auto projected = compiler.compile(projection, "file://" + res.schema_file + "#projection");
    if (projected) res.projection_schema = projected.schema();
  }
  return errors.size() == before;
}

void read_fields(ConfigReader& r, Resource& res) {
  const auto* arr = r.member("fields", true);
  if (arr == nullptr) return;
  if (!arr->is_array()) return r.type_error("fields", "an array");
  std::set<std::string> described;
  for (std::size_t i = 0; i < arr->size(); ++i) {
    ConfigReader fr((*arr)[i], r.file(), r.child_pointer("fields") + "/" + std::to_string(i),
                    r.errors());
    auto name = fr.string("name", true);
    Field scratch;
    Field* f = &scratch;
    if (name) {
      auto it = std::find_if(res.fields.begin(), res.fields.end(),
                             [&](const Field& x) { return x.name == *name; });
      if (it == res.fields.end()) {
        fr.error_at(fr.child_pointer("name"),
                    "\"" + *name + "\" is not a property of " + res.schema_file);
      } else if (!described.insert(*name).second) {
        fr.error_at(fr.child_pointer("name"), "\"" + *name + "\" is described twice");
      } else {
        f = &*it;
      }
    }
    if (auto v = fr.string("definition", true)) f->definition = *v;
    if (auto v = fr.string("quality", false)) f->quality = *v;
    if (auto v = fr.boolean("personalData", true)) f->personal_data = *v;
    if (auto v = fr.boolean("filterable", false)) f->filterable = *v;
    if (auto v = fr.boolean("sortable", false)) f->sortable = *v;
    if (auto v = fr.boolean("identifying", false)) f->identifying = *v;
    fr.reject_unknown();
  }
  for (const auto& f : res.fields) {
    if (described.count(f.name) == 0) {
      r.error_at(r.child_pointer("fields"),
                 "field \"" + f.name + "\" of " + res.schema_file + " has no definition here");
    }
  }
}

void read_relations(ConfigReader& r, Resource& res) {
  const auto* arr = r.member("relations", false);
  if (arr == nullptr) return;
  if (!arr->is_array()) return r.type_error("relations", "an array");
  for (std::size_t i = 0; i < arr->size(); ++i) {
    ConfigReader rr((*arr)[i], r.file(), r.child_pointer("relations") + "/" + std::to_string(i),
                    r.errors());
    Relation rel;
    if (auto v = rr.string("field", true)) {
      rel.field = *v;
      if (res.field(*v) == nullptr)
        rr.error_at(rr.child_pointer("field"), "\"" + *v + "\" is not a field of this resource");
    }
    if (auto v = rr.string("dataset", true)) rel.dataset = *v;
    if (auto v = rr.string("resource", true)) rel.resource = *v;
    rr.reject_unknown();
    res.relations.push_back(std::move(rel));
  }
}

void read_resource(ConfigReader& r, const std::string& schema_dir, int default_page_size,
                   int max_page_size, Resource& res) {
  if (auto v = r.string("id", true)) {
    res.id = *v;
    if (!is_kebab_id(*v)) r.error_at(r.child_pointer("id"), "must be kebab-case (a-z, 0-9, -)");
  }
  bool schema_ok = load_record_schema(r, schema_dir, res, r.errors());
  res.default_page_size = default_page_size;
  res.max_page_size = max_page_size;
  if (auto v = r.integer("maxPageSize", false, 1, 10000)) res.max_page_size = static_cast<int>(*v);
  if (auto v = r.integer("defaultPageSize", false, 1, 10000))
    res.default_page_size = static_cast<int>(*v);
  if (res.default_page_size > res.max_page_size) res.default_page_size = res.max_page_size;
  if (!schema_ok) {
    // Field names are unknown without the schema; the remaining members cannot be checked.
    for (const char* k : {"idField", "subject", "fields", "relations", "connector"})
      r.member(k, false);
    r.reject_unknown();
    return;
  }
  if (auto v = r.string("idField", true)) {
    res.id_field = *v;
    const Field* f = res.field(*v);
    if (f == nullptr) {
      r.error_at(r.child_pointer("idField"), "\"" + *v + "\" is not a field of the schema");
    } else if (f->nullable || f->type == FieldType::Boolean || f->type == FieldType::Number) {
      r.error_at(r.child_pointer("idField"), "must be a non-null string or integer field");
    }
  }
  read_fields(r, res);
  if (const auto* s = r.member("subject", false)) {
    ConfigReader sr(*s, r.file(), r.child_pointer("subject"), r.errors());
    Subject subject;
    if (auto v = sr.string("field", true)) {
      subject.field = *v;
      const Field* f = res.field(*v);
      if (f == nullptr || f->type != FieldType::String) {
        sr.error_at(sr.child_pointer("field"), "must name a string field of the schema");
      }
    }
    if (auto v = sr.string("type", true)) {
      subject.type = *v;
      static const std::regex type_re("^[A-Z][A-Z0-9_-]{0,31}$");
      if (!std::regex_match(*v, type_re))
        sr.error_at(sr.child_pointer("type"),
                    "must be an upper-case identifier type such as \"BSN\"");
    }
    sr.reject_unknown();
    res.subject = subject;
  }
  read_relations(r, res);
  if (const auto* c = r.member("connector", true)) {
    ConfigReader cr(*c, r.file(), r.child_pointer("connector"), r.errors());
    read_connector(cr, res.fields, res.connector);
  }
  r.reject_unknown();
}

void read_dataset(ConfigReader& r, const std::string& schema_dir, int default_page_size,
                  int max_page_size, Dataset& ds) {
  if (auto v = r.string("id", true)) {
    ds.id = *v;
    if (!is_kebab_id(*v)) r.error_at(r.child_pointer("id"), "must be kebab-case (a-z, 0-9, -)");
  }
  if (auto v = r.string("title", true)) ds.title = *v;
  if (auto v = r.string("description", true)) ds.description = *v;
  if (auto v = r.string("owner", true)) ds.owner = *v;
  if (auto v = r.string("license", true)) ds.license = *v;
  if (auto v = r.string("category", true)) {
    if (auto c = parse_category(*v)) {
      ds.category = *c;
    } else {
      r.error_at(r.child_pointer("category"), "must be one of person, business, location, sensor");
    }
  }
  const auto* arr = r.member("resources", true);
  if (arr != nullptr && (!arr->is_array() || arr->empty())) {
    r.type_error("resources", "a non-empty array");
  } else if (arr != nullptr) {
    std::set<std::string> ids;
    for (std::size_t i = 0; i < arr->size(); ++i) {
      std::string ptr = r.child_pointer("resources") + "/" + std::to_string(i);
      ConfigReader rr((*arr)[i], r.file(), ptr, r.errors());
      Resource res;
      read_resource(rr, schema_dir, default_page_size, max_page_size, res);
      if (!res.id.empty() && !ids.insert(res.id).second) {
        rr.error_at(ptr + "/id", "resource \"" + res.id + "\" is declared twice in this dataset");
      }
      ds.resources.push_back(std::move(res));
    }
  }
  r.reject_unknown();
}

}  // namespace

void load_source_file(const std::string& path, const std::string& schema_dir, int default_page_size,
                      int max_page_size, Registry& registry, ConfigErrors& errors) {
  nlohmann::json doc;
  if (!read_json_file(path, doc, errors)) return;
  if (!config::check_against_schema("source.schema.json", doc, path, errors)) return;
  ConfigReader r(doc, path, "", errors);
  r.member("$schema", false);  // editors' hint, allowed
  Organisation org;
  org.file = path;
  if (const auto* o = r.member("organisation", true)) {
    ConfigReader orr(*o, path, "/organisation", errors);
    read_organisation(orr, org);
  }
  registry.organisations.push_back(org);
  std::size_t org_index = registry.organisations.size() - 1;
  const auto* arr = r.member("datasets", true);
  if (arr != nullptr && (!arr->is_array() || arr->empty())) {
    r.type_error("datasets", "a non-empty array");
  } else if (arr != nullptr) {
    for (std::size_t i = 0; i < arr->size(); ++i) {
      std::string ptr = "/datasets/" + std::to_string(i);
      ConfigReader dr((*arr)[i], path, ptr, errors);
      Dataset ds;
      ds.organisation = org_index;
      read_dataset(dr, schema_dir, default_page_size, max_page_size, ds);
      if (!ds.id.empty() && registry.dataset(ds.id) != nullptr) {
        errors.push_back(
            ConfigError{path, ptr + "/id", "dataset \"" + ds.id + "\" is already registered"});
      }
      registry.datasets.push_back(std::move(ds));
    }
  }
  r.reject_unknown();
}

}  // namespace bronpoort::sources
