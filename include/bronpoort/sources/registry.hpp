#pragma once
// The source registry: every source holder's organisation, datasets and resources, loaded once from
// `config/sources/*.json` into immutable structs shared by all requests.

#include <bronpoort/core/config_error.hpp>

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstddef>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace bronpoort::schema {
class CompiledSchema;
}

namespace bronpoort::sources {

// The JSON type of a field, from the resource's JSON schema.
enum class FieldType { String, Integer, Number, Boolean };

const char* field_type_name(FieldType type);

struct Field {
  std::string name;
  FieldType type = FieldType::String;
  bool is_date = false;   // `format: date`: an ISO 8601 calendar date string (YYYY-MM-DD)
  bool nullable = false;  // the schema type also allows null
  std::string definition;
  std::string quality;  // quality note: how complete / current / reliable the values are
  bool personal_data = false;
  bool filterable = false;
  bool sortable = false;
  // The value identifies a natural person (BSN and the like): it may never appear in a URI.
  bool identifying = false;
};

struct Relation {
  std::string field;  // the field in this resource holding the related record's id
  std::string dataset;
  std::string resource;
};

struct Subject {
  std::string field;
  std::string type;  // e.g. "BSN"
};

struct HttpConnectorConfig {
  std::string base_url;  // as configured, e.g. "http://127.0.0.1:8081"
  bool tls = false;
  std::string host;
  std::string port;
  std::string base_path;    // path prefix of base_url without trailing slash, may be empty
  std::string query_path;   // POST: list and search, JSON query body
  std::string detail_path;  // GET: one record; contains "{id}"
  std::chrono::milliseconds connect_timeout{2000};
  std::chrono::milliseconds read_timeout{5000};
  std::size_t max_response_bytes = 8 * 1024 * 1024;
  std::size_t max_connections = 32;  // per upstream; further requests wait for a free one
  std::string ca_file;               // PEM bundle to verify the upstream; system store when empty
};

struct PostgresConnectorConfig {
  std::string dsn;                             // after ${ENV} substitution; never logged
  std::string table;                           // optionally schema-qualified: "public.cases"
  std::map<std::string, std::string> columns;  // field name -> column name (default: same)
  std::size_t pool_size = 4;  // connections, and threads of the connector's own pool
  std::chrono::milliseconds statement_timeout{5000};
  std::chrono::milliseconds connect_timeout{3000};
};

struct ConnectorConfig {
  enum class Kind { Http, Postgres };
  Kind kind = Kind::Http;
  HttpConnectorConfig http;
  PostgresConnectorConfig postgres;
  // Identity of the runtime object (connection pool) this config needs: two resources with the same
  // key share one pool, and a reload with an unchanged key keeps the pool.
  std::string pool_key() const;
};

struct Resource {
  std::string id;
  std::string schema_file;  // path as resolved at load
  nlohmann::json schema;    // the record's JSON schema
  // Compiled once at load; every upstream record is validated against it before it is used.
  std::shared_ptr<const schema::CompiledSchema> compiled_schema;
  // The same schema without its top-level `required`: for records of a request that selected
  // fields, which hold only those.
  std::shared_ptr<const schema::CompiledSchema> projection_schema;
  // What a search body for this resource must satisfy (src/sources/search_schema.cpp); checked
  // before the body is read into a query. Set by load_registry.
  std::shared_ptr<const schema::CompiledSchema> search_schema;
  std::string id_field;
  std::optional<Subject> subject;
  std::vector<Field> fields;  // in schema order
  std::vector<Relation> relations;
  ConnectorConfig connector;
  int default_page_size = 20;
  int max_page_size = 100;

  const Field* field(std::string_view name) const;
  // Values of this field must not travel in URIs (the subject field and identifying fields).
  bool sensitive_in_uri(const Field& f) const;
};

struct Contact {
  std::string name;
  std::string email;
  std::string url;
};

struct Organisation {
  std::string name;
  std::string oin;  // 20-digit Organisatie-identificatienummer
  Contact contact;
  std::string file;  // the config file it came from
};

enum class Category { Person, Business, Location, Sensor };

const char* category_name(Category c);

struct Dataset {
  std::string id;
  std::string title;
  std::string description;
  std::string owner;  // the team or department responsible within the organisation
  Category category = Category::Person;
  std::string license;
  std::size_t organisation = 0;  // index into Registry::organisations
  std::vector<Resource> resources;

  const Resource* resource(std::string_view id) const;
};

class Registry {
 public:
  std::vector<Organisation> organisations;
  std::vector<Dataset> datasets;

  const Dataset* dataset(std::string_view id) const;
  const Organisation& organisation_of(const Dataset& d) const {
    return organisations[d.organisation];
  }
  // OIN of the source holder that owns `dataset`; empty when the dataset is unknown.
  std::string owner_oin(std::string_view dataset) const;
};

struct RegistryLoad {
  std::shared_ptr<const Registry> registry;  // null when there are errors
  ConfigErrors errors;
  bool ok() const { return registry != nullptr; }
};

// Loads the `sources` section of the gateway config:
//   {"directory": "sources", "schemaDirectory": "../schemas/datasets",
//    "defaultPageSize": 20, "maxPageSize": 100}
// `directory` holds one JSON file per source holder (all `*.json` files, in name order) and
// `schemaDirectory` the record schemas the resources name; both relative to `base_dir` (the gateway
// config file's directory). Every error is reported with its file and JSON pointer; unknown keys
// are errors. `${NAME}` in a PostgreSQL DSN is replaced from the environment (an unset variable is
// an error), so secrets stay out of committed files.
RegistryLoad load_registry(const nlohmann::json& section, const std::string& base_dir);

// Loads one source-holder file into `registry` (used by load_registry; exposed for tests and
// check-config). Errors are appended to `errors`; relations are checked by load_registry.
void load_source_file(const std::string& path, const std::string& schema_dir, int default_page_size,
                      int max_page_size, Registry& registry, ConfigErrors& errors);

}  // namespace bronpoort::sources
