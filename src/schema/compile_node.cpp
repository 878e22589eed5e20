// Building a Node from a schema object: one Keyword per recognised keyword of the dialect and
// its vocabularies. Cheap assertions come first (a type mismatch fails fast), applicators
// after, unevaluated* last because they read what everything else evaluated.

#include <algorithm>
#include <cmath>

#include "compiler_state.hpp"
#include "uri.hpp"

namespace bronpoort::schema::detail {
namespace {

std::string loc(const LocationInfo& info, std::string_view keyword) {
  return append_pointer(info.location, keyword);
}

std::uint8_t type_bit(const std::string& name) {
  if (name == "null") return kTypeNull;
  if (name == "boolean") return kTypeBoolean;
  if (name == "object") return kTypeObject;
  if (name == "array") return kTypeArray;
  if (name == "number") return kTypeNumber;
  if (name == "string") return kTypeString;
  if (name == "integer") return kTypeInteger;
  return 0;
}

}  // namespace

bool non_negative_integer(const json& v, std::uint64_t& out) {
  if (v.is_number_unsigned() || (v.is_number_integer() && v.get<std::int64_t>() >= 0)) {
    out = v.get<std::uint64_t>();
    return true;
  }
  if (v.is_number_float()) {
    double d = v.get<double>();
    if (d >= 0 && std::floor(d) == d && std::isfinite(d)) {
      out = d >= 1.8e19 ? UINT64_MAX : static_cast<std::uint64_t>(d);
      return true;
    }
  }
  return false;
}

bool formats_asserted(FormatMode mode, Draft draft) {
  switch (mode) {
    case FormatMode::kAssert:
      return true;
    case FormatMode::kAnnotate:
      return false;
    case FormatMode::kDialectDefault:
      break;
  }
  return draft == Draft::kDraft7;
}

Node* CompilerState::new_node() {
  program_.nodes.push_back(std::make_unique<Node>());
  return program_.nodes.back().get();
}

Resource* CompilerState::resource_for(const std::string& uri) {
  auto [it, inserted] = resource_objects_.emplace(uri, nullptr);
  if (!inserted) return it->second;
  program_.resources.push_back(std::make_unique<Resource>());
  Resource* r = program_.resources.back().get();
  r->uri = uri;
  it->second = r;
  // Dynamic anchors are compiled from the work list, not here, to keep recursion structural.
  if (auto d = dynamic_anchors_.find(uri); d != dynamic_anchors_.end()) {
    for (const auto& [name, value] : d->second) pending_anchors_.push_back({r, name, value});
  }
  return r;
}

const Node* CompilerState::compile_node(const json& value, const LocationInfo& fallback,
                                        std::size_t depth) {
  if (auto it = nodes_.find(&value); it != nodes_.end()) return it->second;
  auto known = info_.find(&value);
  const LocationInfo info = known != info_.end() ? known->second : fallback;
  Node* node = new_node();
  nodes_.emplace(&value, node);
  node->location = info.location;
  node->resource = resource_for(info.resource_uri);
  if (value.is_boolean()) {
    node->boolean = value.get<bool>();
  } else if (!value.is_object()) {
    error(info.location, "a schema must be an object or a boolean, got " + type_name(value));
    node->boolean = true;
  } else if (depth > options_.max_depth) {
    error(info.location, "schema nests deeper than " + std::to_string(options_.max_depth));
    node->boolean = true;
  } else {
    compile_keywords(*node, value, info, depth);
  }
  return node;
}

const Node* CompilerState::child(const json& value, const LocationInfo& parent,
                                 const std::string& suffix, std::size_t depth) {
  LocationInfo info = parent;
  info.location = parent.location + suffix;
  return compile_node(value, info, depth + 1);
}

void CompilerState::add_ref(Node& node, const std::string& reference, const LocationInfo& info,
                            const std::string& keyword, bool dynamic) {
  auto kw = std::make_unique<RefKeyword>(loc(info, keyword));
  pending_refs_.push_back(
      {kw.get(), resolve_uri(info.resource_uri, reference), kw->location(), dynamic});
  node.keywords.push_back(std::move(kw));
}

void CompilerState::compile_keywords(Node& node, const json& schema, const LocationInfo& info,
                                     std::size_t depth) {
  const bool draft7 = info.draft == Draft::kDraft7;
  if (auto ref = schema.find("$ref"); ref != schema.end()) {
    if (!ref->is_string()) {
      error(loc(info, "$ref"), "$ref must be a string");
    } else {
      add_ref(node, ref->get<std::string>(), info, "$ref", false);
    }
    if (draft7) return;  // draft-07: all other keywords beside $ref are ignored
  }
  if (auto ref = schema.find("$dynamicRef"); ref != schema.end() && !draft7) {
    if (!ref->is_string()) {
      error(loc(info, "$dynamicRef"), "$dynamicRef must be a string");
    } else {
      add_ref(node, ref->get<std::string>(), info, "$dynamicRef", true);
    }
  }
  if (info.vocabularies & kVocabValidation) add_assertions(node, schema, info);
  if (info.vocabularies & kVocabApplicator) add_applicators(node, schema, info, depth);
  // Assertions are cheapest: evaluate them before $ref and applicators.
  std::stable_partition(node.keywords.begin(), node.keywords.end(), [](const auto& k) {
    return dynamic_cast<const RefKeyword*>(k.get()) == nullptr &&
           dynamic_cast<const SchemaListKeyword*>(k.get()) == nullptr;
  });
  const bool format_on = (info.vocabularies & kVocabFormatAssertion) ||
                         ((info.vocabularies & kVocabFormatAnnotation) &&
                          formats_asserted(options_.formats, info.draft));
  if (auto f = schema.find("format"); f != schema.end() && f->is_string() && format_on) {
    if (FormatChecker check = lookup_format(f->get<std::string>())) {
      node.keywords.insert(
          node.keywords.begin(),
          std::make_unique<FormatKeyword>(loc(info, "format"), f->get<std::string>(), check));
    }
  }
  if (!draft7 && (info.vocabularies & kVocabUnevaluated)) {
    for (const char* name : {"unevaluatedItems", "unevaluatedProperties"}) {
      auto it = schema.find(name);
      if (it == schema.end()) continue;
      bool items = name[11] == 'I';
      auto kw = std::make_unique<UnevaluatedKeyword>(loc(info, name), items);
      kw->schema = child(*it, info, "/" + std::string(name), depth);
      node.keywords.push_back(std::move(kw));
      node.collects_annotations = true;
    }
  }
}

void CompilerState::add_assertions(Node& node, const json& schema, const LocationInfo& info) {
  auto& out = node.keywords;
  if (auto t = schema.find("type"); t != schema.end()) {
    std::uint8_t mask = 0;
    bool ok = t->is_string() || t->is_array();
    for (const auto& name : t->is_array() ? *t : json::array({*t})) {
      std::uint8_t bit = name.is_string() ? type_bit(name.get<std::string>()) : 0;
      ok = ok && bit != 0;
      mask |= bit == kTypeNumber ? (kTypeNumber | kTypeInteger) : bit;
    }
    if (!ok) error(loc(info, "type"), "type must be a type name or an array of them");
    out.push_back(std::make_unique<TypeKeyword>(loc(info, "type"), mask));
  }
  if (auto e = schema.find("enum"); e != schema.end()) {
    if (!e->is_array())
      error(loc(info, "enum"), "enum must be an array");
    else
      out.push_back(std::make_unique<EnumKeyword>(loc(info, "enum"), *e, false));
  }
  if (auto c = schema.find("const"); c != schema.end()) {
    out.push_back(std::make_unique<EnumKeyword>(loc(info, "const"), *c, true));
  }
  using NB = NumberBoundKeyword::Kind;
  const std::pair<const char*, NB> bounds[] = {{"minimum", NB::kMinimum},
                                               {"maximum", NB::kMaximum},
                                               {"exclusiveMinimum", NB::kExclusiveMinimum},
                                               {"exclusiveMaximum", NB::kExclusiveMaximum}};
  for (const auto& [name, kind] : bounds) {
    auto it = schema.find(name);
    if (it == schema.end()) continue;
    if (!it->is_number())
      error(loc(info, name), std::string(name) + " must be a number");
    else
      out.push_back(std::make_unique<NumberBoundKeyword>(loc(info, name), kind, *it));
  }
  if (auto m = schema.find("multipleOf"); m != schema.end()) {
    if (!m->is_number() || compare_numbers(*m, json(0)) <= 0) {
      error(loc(info, "multipleOf"), "multipleOf must be a number greater than 0");
    } else {
      out.push_back(std::make_unique<MultipleOfKeyword>(loc(info, "multipleOf"), *m));
    }
  }
  using T = SizeKeyword::Target;
  const std::tuple<const char*, T, bool> sizes[] = {
      {"minLength", T::kString, false},     {"maxLength", T::kString, true},
      {"minItems", T::kArray, false},       {"maxItems", T::kArray, true},
      {"minProperties", T::kObject, false}, {"maxProperties", T::kObject, true}};
  for (const auto& [name, target, is_max] : sizes) {
    auto it = schema.find(name);
    if (it == schema.end()) continue;
    std::uint64_t n;
    if (!non_negative_integer(*it, n))
      error(loc(info, name), std::string(name) + " must be a non-negative integer");
    else
      out.push_back(std::make_unique<SizeKeyword>(loc(info, name), target, is_max, n));
  }
  if (auto p = schema.find("pattern"); p != schema.end()) {
    std::string why;
    auto re = p->is_string()
                  ? EcmaRegex::compile(p->get<std::string>(), options_.max_regex_program, why)
                  : nullptr;
    if (!re)
      error(loc(info, "pattern"),
            p->is_string() ? "invalid pattern: " + why : "pattern must be a string");
    else
      out.push_back(std::make_unique<PatternKeyword>(loc(info, "pattern"), std::move(re)));
  }
  if (auto u = schema.find("uniqueItems"); u != schema.end() && *u == true) {
    out.push_back(std::make_unique<UniqueItemsKeyword>(loc(info, "uniqueItems")));
  }
  if (auto r = schema.find("required"); r != schema.end()) {
    std::vector<std::string> names;
    for (const auto& n : r->is_array() ? *r : json::array()) {
      if (n.is_string()) names.push_back(n.get<std::string>());
    }
    if (!r->is_array() || names.size() != r->size()) {
      error(loc(info, "required"), "required must be an array of strings");
    } else if (!names.empty()) {
      out.push_back(std::make_unique<RequiredKeyword>(loc(info, "required"), std::move(names)));
    }
  }
  // dependentRequired (2020-12) and the array form of dependencies (draft-07).
  const char* dep_name = info.draft == Draft::kDraft7 ? "dependencies" : "dependentRequired";
  if (auto d = schema.find(dep_name); d != schema.end() && d->is_object()) {
    auto kw = std::make_unique<DependentRequiredKeyword>(loc(info, dep_name));
    for (auto it = d->begin(); it != d->end(); ++it) {
      if (!it->is_array()) continue;
      std::vector<std::string> names;
      for (const auto& n : *it) {
        if (n.is_string())
          names.push_back(n.get<std::string>());
        else
          error(loc(info, dep_name), "dependency lists must hold strings");
      }
      kw->dependencies.emplace_back(it.key(), std::move(names));
    }
    if (!kw->dependencies.empty()) out.push_back(std::move(kw));
  }
}

}  // namespace bronpoort::schema::detail
