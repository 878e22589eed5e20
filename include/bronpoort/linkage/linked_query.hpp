#pragma once
// The trusted third party's configuration: linked queries across sources on a shared key.
//
// A linked query names its purpose (scope `dataset`), two or more inputs (a dataset resource, the
// field holding the shared key, and the fields it contributes), optional derived columns (age
// bands, year of a date), the filters a caller may set, and what it may deliver: aggregates with a
// minimum cell size and/or rows, at least a minimum cohort of people, in which the key is replaced
// by a pseudonym specific to the recipient and the purpose.
//
// Loaded from the `linkage` section of gateway.json:
//   {"directory": "linked-queries", "pseudonymKeyFile": "keys/demo-linkage-pseudonym.key",
//    "pseudonymKeyEnv": "BRONPOORT_LINKAGE_PSEUDONYM_KEY", "maxInputRecords": 100000,
//    "maxRows": 100000}
// with one file per linked query (schemas/linked-query.schema.json). The loader does not depend on
// the source registry or the purpose register: the pipeline passes what it needs to know of them.

#include <bronpoort/core/config_error.hpp>
#include <bronpoort/core/result.hpp>

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace bronpoort::linkage {

struct InputField {
  std::string field;   // the resource's field
  std::string column;  // its name in the linked rows
};

struct Input {
  std::string name;
  std::string dataset;
  std::string resource;
  std::string key;       // the field with the shared key: the resource's data subject field
  std::string key_type;  // e.g. "BSN"
  std::vector<InputField> fields;
  int page_size = 100;  // the resource's largest page, so inputs are read in as few calls as can be

  // The fields fetched: the key and every contributed field.
  std::vector<std::string> fetched_fields() const;
};

struct Derived {
  std::string name;
  std::string from;            // a date column
  std::vector<int> age_bands;  // ascending lower bounds; or
  std::string date_part;       // "year" or "yearMonth"
};

enum class MeasureOp { CountSubjects, CountRows, Sum, Avg };

struct Measure {
  std::string name;
  MeasureOp op = MeasureOp::CountSubjects;
  std::string column;  // for Sum and Avg
};

struct AggregateSpec {
  std::vector<std::string> group_by;
  std::vector<Measure> measures;
  int min_cell_size = 10;
};

struct RowsSpec {
  std::vector<std::string> columns;
  int min_cohort = 10;  // distinct data subjects a rows delivery must hold, after the filters
};

// A filter a caller may set on a run: equality on one column, narrowing the first input. Only
// what the linked query declares is accepted, so a caller cannot cut the population with a range
// on an amount or an exact date until one person is left.
struct DeclaredFilter {
  std::string column;
  std::string field;                // the first input's field the source is asked to narrow
  std::string date_part;            // "year" or "yearMonth" when `column` is derived from `field`
  std::vector<std::string> values;  // what a caller may ask for; empty: any value
};

struct LinkedQuery {
  std::string id;
  std::string title;
  std::string description;
  std::string purpose;
  std::string file;
  std::vector<Input> inputs;
  std::vector<Derived> derived;
  std::vector<DeclaredFilter> filters;
  std::optional<AggregateSpec> aggregate;
  std::optional<RowsSpec> rows;

  const DeclaredFilter* filter(const std::string& column) const;
};

struct LinkageConfig {
  std::vector<LinkedQuery> queries;  // in id order
  std::string pseudonym_key;         // secret; never logged
  std::size_t max_input_records = 100'000;
  std::size_t max_rows = 100'000;
  std::size_t max_concurrent_runs = 2;  // each run holds its inputs in memory
  std::chrono::seconds max_run{120};    // a run still fetching after this stops (504)

  const LinkedQuery* find(const std::string& id) const;
};

// What the loader needs to know about a resource of the source registry.
struct FieldFacts {
  std::string name;
  bool numeric = false;
  bool is_date = false;
  bool identifying = false;  // identifies a person: never delivered
};
struct ResourceFacts {
  std::vector<FieldFacts> fields;
  std::string subject_field;  // empty when the records are not about data subjects
  std::string subject_type;
  int max_page_size = 100;
  const FieldFacts* field(const std::string& name) const;
};
using ResourceLookup = std::function<std::optional<ResourceFacts>(const std::string& dataset,
                                                                  const std::string& resource)>;

// What the loader needs to know about a purpose: nullopt when unknown.
struct PurposeFacts {
  bool dataset_scope = false;
};
using PurposeLookup = std::function<std::optional<PurposeFacts>(const std::string& purpose)>;

using LinkageLoad = Result<std::shared_ptr<const LinkageConfig>, ConfigErrors>;

// Reads the section and every linked-query file, reporting every error with its file and pointer.
LinkageLoad load_linkage_config(const nlohmann::json& section,
                                const std::filesystem::path& base_dir,
                                const std::string& config_file, const ResourceLookup& resources,
                                const PurposeLookup& purposes);

// One linked-query document, checked against the schema and the lookups; appends to `errors`.
std::optional<LinkedQuery> read_linked_query(const nlohmann::json& doc, const std::string& file,
                                             const ResourceLookup& resources,
                                             const PurposeLookup& purposes, ConfigErrors& errors);

}  // namespace bronpoort::linkage
