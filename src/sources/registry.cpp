#include "config_reader.hpp"
#include "search_schema.hpp"

#include <bronpoort/sources/registry.hpp>

#include <algorithm>
#include <filesystem>

namespace bronpoort::sources {

const char* field_type_name(FieldType type) {
  switch (type) {
    case FieldType::String:
      return "string";
    case FieldType::Integer:
      return "integer";
    case FieldType::Number:
      return "number";
    case FieldType::Boolean:
      return "boolean";
  }
  return "string";
}

const char* category_name(Category c) {
  switch (c) {
    case Category::Person:
      return "person";
    case Category::Business:
      return "business";
    case Category::Location:
      return "location";
    case Category::Sensor:
      return "sensor";
  }
  return "person";
}

std::string ConnectorConfig::pool_key() const {
  // Everything that shapes the pool itself; secrets in the DSN stay in memory only.
  if (kind == Kind::Http) {
    return "http|" + http.host + "|" + http.port + "|" + (http.tls ? "tls|" + http.ca_file : "") +
           "|" + std::to_string(http.max_connections);
  }
  return "postgres|" + postgres.dsn + "|" + std::to_string(postgres.pool_size) + "|" +
         std::to_string(postgres.statement_timeout.count()) + "|" +
         std::to_string(postgres.connect_timeout.count());
}

const Field* Resource::field(std::string_view name) const {
  for (const auto& f : fields) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

bool Resource::sensitive_in_uri(const Field& f) const {
  return f.identifying || (subject && subject->field == f.name);
}

const Resource* Dataset::resource(std::string_view rid) const {
  for (const auto& r : resources) {
    if (r.id == rid) return &r;
  }
  return nullptr;
}

const Dataset* Registry::dataset(std::string_view id) const {
  for (const auto& d : datasets) {
    if (d.id == id) return &d;
  }
  return nullptr;
}

std::string Registry::owner_oin(std::string_view dataset_id) const {
  const Dataset* d = dataset(dataset_id);
  return d == nullptr ? std::string() : organisations[d->organisation].oin;
}

namespace {

namespace fs = std::filesystem;

// Relations may point into any file, so they are checked once everything is loaded.
void check_relations(const Registry& registry, ConfigErrors& errors) {
  for (std::size_t d = 0; d < registry.datasets.size(); ++d) {
    const auto& ds = registry.datasets[d];
    const auto& file = registry.organisations[ds.organisation].file;
    // Pointers are recomputed from the position within the file.
    std::size_t index_in_file = 0;
    for (std::size_t k = 0; k < d; ++k) {
      if (registry.datasets[k].organisation == ds.organisation) ++index_in_file;
    }
    for (std::size_t r = 0; r < ds.resources.size(); ++r) {
      const auto& res = ds.resources[r];
      for (std::size_t i = 0; i < res.relations.size(); ++i) {
        const auto& rel = res.relations[i];
        std::string ptr = "/datasets/" + std::to_string(index_in_file) + "/resources/" +
                          std::to_string(r) + "/relations/" + std::to_string(i);
        const Dataset* target = registry.dataset(rel.dataset);
        if (target == nullptr) {
          errors.push_back(
              {file, ptr + "/dataset", "no registered dataset \"" + rel.dataset + "\""});
        } else if (target->resource(rel.resource) == nullptr) {
          errors.push_back(
              {file, ptr + "/resource",
               "dataset \"" + rel.dataset + "\" has no resource \"" + rel.resource + "\""});
        }
      }
    }
  }
}

}  // namespace

RegistryLoad load_registry(const nlohmann::json& section, const std::string& base_dir) {
  RegistryLoad out;
  const std::string where = "gateway config";
  ConfigReader r(section, where, "/sources", out.errors);
  std::string directory = r.string("directory", false).value_or("sources");
  std::string schema_directory = r.string("schemaDirectory", false).value_or("../schemas/datasets");
  int default_page_size =
      static_cast<int>(r.integer("defaultPageSize", false, 1, 10000).value_or(20));
  int max_page_size = static_cast<int>(r.integer("maxPageSize", false, 1, 10000).value_or(100));
  if (default_page_size > max_page_size) {
    r.error_at("/sources/defaultPageSize", "must not be larger than maxPageSize");
  }
  r.reject_unknown();
  if (!out.errors.empty()) return out;

  fs::path dir = fs::path(base_dir) / directory;
  fs::path schema_dir = fs::path(base_dir) / schema_directory;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    out.errors.push_back({dir.string(), "", "the sources directory does not exist"});
    return out;
  }
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.is_regular_file() && entry.path().extension() == ".json")
      files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  auto registry = std::make_shared<Registry>();
  for (const auto& f : files) {
    load_source_file(f.string(), schema_dir.string(), default_page_size, max_page_size, *registry,
                     out.errors);
  }
  if (out.errors.empty()) check_relations(*registry, out.errors);
  if (out.errors.empty()) compile_search_schemas(*registry, out.errors);
  if (out.errors.empty()) out.registry = std::move(registry);
  return out;
}

}  // namespace bronpoort::sources
