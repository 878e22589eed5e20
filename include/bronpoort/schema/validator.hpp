#pragma once
// JSON Schema (draft-07 and 2020-12) validation on nlohmann::json.
//
// A schema is compiled once by a Compiler into an immutable CompiledSchema that any number of
// threads may share; validating an instance walks that compiled form. References resolve within
// the document, to documents added to the SchemaRegistry, and through base-URI -> directory
// mappings; the network is never used.
//
//   bronpoort::schema::SchemaRegistry registry;
//   registry.map_directory("https://bronpoort.example.nl/schemas/", "schemas");
//   bronpoort::schema::Compiler compiler(registry);
//   auto compiled = compiler.compile(schema_json, "https://bronpoort.example.nl/schemas/x.json");
//   if (!compiled) { /* compiled.errors() says why */ }
//   auto result = compiled.schema()->validate(instance, ValidationMode::kFirstError);

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace bronpoort::schema {

enum class Draft { kDraft7, kDraft2020_12 };

enum class ValidationMode {
  kFirstError,  // stop at the first failure: the request/response hot path
  kAllErrors,   // report every failure: config checks, the CLI
};

struct ValidationError {
  std::string instance_location;  // JSON pointer into the instance ("" = the whole instance)
  std::string keyword_location;   // absolute schema location of the failing keyword (URI#pointer)
  std::string reason;             // human-readable, e.g. "expected type string, got integer"

  std::string to_string() const;
};

// kAllErrors keeps at most this many errors and counts the rest: a hostile instance with a
// million violations must not cost a million error objects.
inline constexpr std::size_t kMaxCollectedErrors = 1000;

struct ValidationResult {
  bool valid = true;
  std::vector<ValidationError> errors;  // empty when valid
  std::size_t errors_omitted = 0;       // failures found beyond kMaxCollectedErrors
};

// A schema that cannot be compiled: where in which document, and why.
struct CompileError {
  std::string schema_location;  // URI#pointer
  std::string reason;

  std::string to_string() const;
};

// Whether `format` (date, email, uuid, ...) is checked or only recorded as an annotation.
// A meta-schema whose $vocabulary lists format-assertion always makes it an assertion (for the
// schemas of that dialect), whatever the mode.
enum class FormatMode {
  // What each dialect says: in 2020-12 `format` is an annotation (section 7.2.1 of the
  // validation specification); draft-07 lets implementations assert it, and we do, as its test
  // suite's format tests expect. This is what an outside schema gets by default.
  kDialectDefault,
  // Asserted in every dialect. Bronpoort's own schemas (config, requests, source records) are
  // compiled with this: they rely on date, uuid and email checks.
  kAssert,
  // An annotation in every dialect (draft-07 section 7.2: the option to switch the checks off).
  kAnnotate,
};

struct CompileOptions {
  Draft default_draft = Draft::kDraft2020_12;  // when the schema has no (known) $schema
  FormatMode formats = FormatMode::kDialectDefault;
  // Bounds that keep hostile schemas and instances from exhausting the stack or the CPU.
  std::size_t max_depth = 256;              // nested evaluation depth (instance + $ref chains)
  std::size_t max_steps = 5'000'000;        // schema-node evaluations per validate() call
  std::size_t max_regex_steps = 1'000'000;  // per pattern match
  std::size_t max_regex_program = 20'000;   // compiled pattern size (after {n,m} expansion)
};

class SchemaRegistry;
namespace detail {
struct SchemaProgram;
}

// The compiled form of one root schema. Immutable and thread-safe.
class CompiledSchema {
 public:
  explicit CompiledSchema(std::shared_ptr<const detail::SchemaProgram> program);
  ~CompiledSchema();

  // Validates `instance`. Never throws for any instance; limits (depth, steps, regex steps)
  // surface as a validation error saying which limit was hit.
  ValidationResult validate(const nlohmann::json& instance,
                            ValidationMode mode = ValidationMode::kFirstError) const;

  // The hot-path check: no error strings are built, nothing is allocated on success for
  // schemas without unevaluated*/format-heavy keywords.
  bool is_valid(const nlohmann::json& instance) const;

  const std::string& base_uri() const;

 private:
  std::shared_ptr<const detail::SchemaProgram> program_;
};

class CompileResult {
 public:
  static CompileResult success(std::shared_ptr<const CompiledSchema> schema);
  static CompileResult failure(std::vector<CompileError> errors);

  explicit operator bool() const { return schema_ != nullptr; }
  const std::shared_ptr<const CompiledSchema>& schema() const { return schema_; }
  const std::vector<CompileError>& errors() const { return errors_; }

 private:
  std::shared_ptr<const CompiledSchema> schema_;
  std::vector<CompileError> errors_;
};

// Where referenced schemas come from: documents added in memory, and base URIs mapped to local
// directories ("http://localhost:1234/" -> "/usr/share/json-schema-test-suite/remotes").
class SchemaRegistry {
 public:
  SchemaRegistry();
  ~SchemaRegistry();
  SchemaRegistry(SchemaRegistry&&) noexcept;
  SchemaRegistry& operator=(SchemaRegistry&&) noexcept;

  // Registers a document under its absolute URI (fragment-free). A later add replaces it.
  void add_document(const std::string& uri, const nlohmann::json& document);
  // Documents whose URI starts with `base_uri` load from `directory` + the rest of the URI.
  void map_directory(const std::string& base_uri, const std::string& directory);

  // Finds a document: added ones first, then mapped directories. Returns nullptr when unknown;
  // `error` then says why (no mapping, unreadable file, bad JSON).
  std::shared_ptr<const nlohmann::json> find(const std::string& uri, std::string& error) const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

class Compiler {
 public:
  explicit Compiler(const SchemaRegistry& registry, CompileOptions options = {});

  // Compiles `schema`, whose retrieval URI is `base_uri` (may be empty: then a placeholder
  // URI is used, and only in-document or absolute references resolve).
  CompileResult compile(const nlohmann::json& schema, const std::string& base_uri = "") const;

 private:
  const SchemaRegistry& registry_;
  CompileOptions options_;
};

}  // namespace bronpoort::schema
