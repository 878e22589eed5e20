// Indexing a schema document before compiling it: which objects open a resource ($id), which
// names are anchors ($anchor, $dynamicAnchor, draft-07 "$id": "#name") and which dialect
// ($schema) applies where. References are resolved against this index, never the network.

#include <string_view>

#include "compiler_state.hpp"
#include "uri.hpp"

namespace bronpoort::schema::detail {
namespace {

// Keywords whose value is a subschema, an array of them, or an object of them.
constexpr std::string_view kSingle[] = {"additionalItems",
                                        "additionalProperties",
                                        "contains",
                                        "propertyNames",
                                        "not",
                                        "if",
                                        "then",
                                        "else",
                                        "unevaluatedItems",
                                        "unevaluatedProperties",
                                        "contentSchema",
                                        "items"};
constexpr std::string_view kArrays[] = {"allOf", "anyOf", "oneOf", "prefixItems", "items"};
constexpr std::string_view kMaps[] = {
    "$defs", "definitions", "properties", "patternProperties", "dependentSchemas", "dependencies"};

std::string strip_empty_fragment(std::string uri) {
  if (!uri.empty() && uri.back() == '#') uri.pop_back();
  return uri;
}

}  // namespace

CompilerState::CompilerState(const SchemaRegistry& registry, SchemaProgram& program)
    : registry_(registry), program_(program), options_(program.options) {}

void CompilerState::index_document(std::shared_ptr<const json> document, const std::string& uri) {
  program_.documents.push_back(document);
  const std::string base = strip_empty_fragment(uri);
  resources_.emplace(base, document.get());
  LocationInfo info;
  info.resource_uri = base;
  info.draft = options_.default_draft;
  walk(*document, info, "", base, 0);
}

bool CompilerState::ensure_document(const std::string& uri, std::string& why) {
  if (resources_.count(uri)) return true;
  std::shared_ptr<const json> doc = builtin_metaschema(uri);
  if (!doc) doc = registry_.find(uri, why);
  if (!doc) return false;
  index_document(doc, uri);
  return true;
}

bool CompilerState::dialect_of(const std::string& schema_uri, LocationInfo& info, std::size_t depth,
                               std::string& why) {
  const std::string uri = strip_empty_fragment(split_fragment(schema_uri).first);
  if (uri == "http://json-schema.org/draft-07/schema" ||
      uri == "http://json-schema.org/draft-06/schema" ||
      uri == "http://json-schema.org/draft-04/schema") {
    info.draft = Draft::kDraft7;
    info.vocabularies = kVocabAll;
    return true;
  }
  if (uri == "https://json-schema.org/draft/2020-12/schema" ||
      uri == "https://json-schema.org/draft/2019-09/schema") {
    info.draft = Draft::kDraft2020_12;
    info.vocabularies = kVocabAll;
    return true;
  }
  // A custom meta-schema: its $vocabulary says which keywords this dialect has.
  if (depth > 8) return why = "meta-schema chain is too long", false;
  if (!ensure_document(uri, why)) return why = "unknown $schema '" + uri + "': " + why, false;
  const json& meta = *resources_.at(uri);
  if (!meta.is_object()) return why = "meta-schema '" + uri + "' is not an object", false;
  auto vocab = meta.find("$vocabulary");
  if (vocab == meta.end() || !vocab->is_object()) {
    auto parent = meta.find("$schema");
    if (parent == meta.end() || !parent->is_string()) {
      return why = "meta-schema '" + uri + "' names no dialect", false;
    }
    return dialect_of(parent->get<std::string>(), info, depth + 1, why);
  }
  info.draft = Draft::kDraft2020_12;
  info.vocabularies = 0;
  const std::string prefix = "https://json-schema.org/draft/2020-12/vocab/";
  for (auto it = vocab->begin(); it != vocab->end(); ++it) {
    const std::string& v = it.key();
    std::string name = v.rfind(prefix, 0) == 0 ? v.substr(prefix.size()) : "";
    if (name == "applicator") {
      info.vocabularies |= kVocabApplicator;
    } else if (name == "unevaluated") {
      info.vocabularies |= kVocabUnevaluated;
    } else if (name == "validation") {
      info.vocabularies |= kVocabValidation;
    } else if (name == "format-annotation") {
      info.vocabularies |= kVocabFormatAnnotation;
    } else if (name == "format-assertion") {
      info.vocabularies |= kVocabFormatAssertion;
    } else if (name == "core" || name == "meta-data" || name == "content") {
      // core is always on; meta-data and content are annotations only
    } else if (it.value() == true) {
      return why = "meta-schema '" + uri + "' requires unknown vocabulary '" + v + "'", false;
    }
  }
  return true;
}

void CompilerState::walk(const json& value, LocationInfo info, const std::string& doc_pointer,
                         const std::string& doc_uri, std::size_t depth) {
  info.location = doc_uri + "#" + doc_pointer;
  if (depth > options_.max_depth) {
    error(info.location, "schema nests deeper than " + std::to_string(options_.max_depth));
    return;
  }
  if (!value.is_object()) {
    info_.emplace(&value, info);
    return;
  }
  if (auto s = value.find("$schema"); s != value.end() && s->is_string()) {
    std::string why;
    if (!dialect_of(s->get<std::string>(), info, 0, why)) error(info.location + "/$schema", why);
  }
  const bool ref_hides_siblings = info.draft == Draft::kDraft7 && value.contains("$ref");
  if (auto id = value.find("$id"); id != value.end() && id->is_string() && !ref_hides_siblings) {
    auto [uri, fragment] = split_fragment(resolve_uri(info.resource_uri, id->get<std::string>()));
    if (!uri.empty() && uri != info.resource_uri) {
      info.resource_uri = uri;
      resources_.emplace(uri, &value);
    }
    if (!fragment.empty()) anchors_[info.resource_uri + "#" + fragment] = &value;
  }
  if (auto a = value.find("$anchor"); a != value.end() && a->is_string()) {
    anchors_[info.resource_uri + "#" + a->get<std::string>()] = &value;
  }
  if (auto a = value.find("$dynamicAnchor"); a != value.end() && a->is_string()) {
    anchors_[info.resource_uri + "#" + a->get<std::string>()] = &value;
    dynamic_anchors_[info.resource_uri].emplace_back(a->get<std::string>(), &value);
  }
  info_.emplace(&value, info);

  auto descend = [&](const json& v, const std::string& pointer) {
    if (v.is_object() || v.is_boolean()) walk(v, info, pointer, doc_uri, depth + 1);
  };
  for (auto kw : kSingle) {
    if (auto it = value.find(kw); it != value.end()) descend(*it, append_pointer(doc_pointer, kw));
  }
  for (auto kw : kArrays) {
    auto it = value.find(kw);
    if (it == value.end() || !it->is_array()) continue;
    const std::string base = append_pointer(doc_pointer, kw);
    for (std::size_t i = 0; i < it->size(); ++i) descend((*it)[i], base + "/" + std::to_string(i));
  }
  for (auto kw : kMaps) {
    auto it = value.find(kw);
    if (it == value.end() || !it->is_object()) continue;
    const std::string base = append_pointer(doc_pointer, kw);
    for (auto m = it->begin(); m != it->end(); ++m)
      descend(m.value(), append_pointer(base, m.key()));
  }
}

}  // namespace bronpoort::schema::detail
