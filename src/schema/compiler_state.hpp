#pragma once
// State of one compile() call: the documents seen so far, where every schema object lives
// (its resource, draft, vocabularies), anchors, the nodes built, and references still to
// resolve. Split over schema_index.cpp (finding resources and anchors), compile_node.cpp
// (building nodes) and compile_refs.cpp (resolving references).

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include <bronpoort/schema/validator.hpp>

#include "keywords.hpp"
#include "program.hpp"

namespace bronpoort::schema::detail {

enum Vocabulary : std::uint8_t {
  kVocabApplicator = 1,
  kVocabUnevaluated = 2,
  kVocabValidation = 4,
  kVocabFormatAnnotation = 8,
  kVocabFormatAssertion = 16,
  kVocabAll = kVocabApplicator | kVocabUnevaluated | kVocabValidation | kVocabFormatAnnotation,
};

// Where a schema object sits: its resource (base URI), dialect and a printable location.
struct LocationInfo {
  std::string resource_uri;
  Draft draft = Draft::kDraft2020_12;
  std::uint8_t vocabularies = kVocabAll;
  std::string location;  // document URI + "#" + JSON pointer
};

class CompilerState {
 public:
  CompilerState(const SchemaRegistry& registry, SchemaProgram& program);

  std::vector<CompileError> errors;

  // Indexes a document retrieved from `uri`: its resources ($id), anchors and dialects.
  void index_document(std::shared_ptr<const json> document, const std::string& uri);
  // Builds the node for `value` (and, structurally, its subschemas).
  const Node* compile_node(const json& value, const LocationInfo& fallback, std::size_t depth);
  // Resolves every pending reference, compiling what they point to, until none is left.
  void resolve_pending();

  void error(const std::string& location, std::string reason) {
    errors.push_back({location, std::move(reason)});
  }

 private:
  const SchemaRegistry& registry_;
  SchemaProgram& program_;
  const CompileOptions& options_;

  std::unordered_map<std::string, const json*> resources_;  // resource URI -> root schema
  std::unordered_map<std::string, const json*> anchors_;    // "URI#name" -> schema
  std::unordered_map<std::string, std::vector<std::pair<std::string, const json*>>>
      dynamic_anchors_;  // resource URI -> (name, schema)
  std::unordered_map<const json*, LocationInfo> info_;
  std::unordered_map<const json*, Node*> nodes_;
  std::unordered_map<std::string, Resource*> resource_objects_;

  struct PendingRef {
    RefKeyword* keyword;
    std::string uri;       // absolute target
    std::string location;  // of the $ref keyword, for errors
    bool dynamic;
  };
  struct PendingAnchor {
    Resource* resource;
    std::string name;
    const json* value;
  };
  std::vector<PendingRef> pending_refs_;
  std::vector<PendingAnchor> pending_anchors_;
  const Node* always_true_ = nullptr;

  // schema_index.cpp
  void walk(const json& value, LocationInfo info, const std::string& doc_pointer,
            const std::string& doc_uri, std::size_t depth);
  bool dialect_of(const std::string& schema_uri, LocationInfo& info, std::size_t depth,
                  std::string& why);
  bool ensure_document(const std::string& uri, std::string& why);

  // compile_node.cpp
  Resource* resource_for(const std::string& uri);
  void compile_keywords(Node& node, const json& schema, const LocationInfo& info,
                        std::size_t depth);
  void add_assertions(Node& node, const json& schema, const LocationInfo& info);
  void add_applicators(Node& node, const json& schema, const LocationInfo& info, std::size_t depth);
  const Node* child(const json& value, const LocationInfo& parent, const std::string& suffix,
                    std::size_t depth);
  void add_ref(Node& node, const std::string& reference, const LocationInfo& info,
               const std::string& keyword, bool dynamic);

  // compile_refs.cpp
  const json* locate(const std::string& uri, std::string& why);
  Node* new_node();
};

// True for a JSON integer or an integral number such as 2.0 that is >= 0 (the validation
// vocabulary's "non-negative integer"); `out` receives it, saturated at UINT64_MAX.
bool non_negative_integer(const json& v, std::uint64_t& out);

// Whether `format` asserts in a dialect whose meta-schema lists only the format-annotation
// vocabulary (the format-assertion vocabulary always asserts).
bool formats_asserted(FormatMode mode, Draft draft);

// The official meta-schemas (draft-07 and 2020-12 with its vocabularies), built in so that
// "$schema" and references to them never need the network.
std::shared_ptr<const json> builtin_metaschema(const std::string& uri);

}  // namespace bronpoort::schema::detail
