// Building the applicator keywords: the ones that hold subschemas.

#include <algorithm>

#include "compiler_state.hpp"
#include "uri.hpp"

namespace bronpoort::schema::detail {
namespace {

std::string loc(const LocationInfo& info, std::string_view keyword) {
  return append_pointer(info.location, keyword);
}

std::string suffix(std::string_view keyword) {
  return "/" + escape_pointer_token(keyword);
}

std::string suffix(std::string_view keyword, std::string_view member) {
  return suffix(keyword) + "/" + escape_pointer_token(member);
}

}  // namespace

void CompilerState::add_applicators(Node& node, const json& schema, const LocationInfo& info,
                                    std::size_t depth) {
  auto& out = node.keywords;
  const bool draft7 = info.draft == Draft::kDraft7;
  auto list = [&](const char* name, SchemaListKeyword::Kind kind) {
    auto it = schema.find(name);
    if (it == schema.end()) return;
    if (!it->is_array() || it->empty()) {
      error(loc(info, name), std::string(name) + " must be a non-empty array of schemas");
      return;
    }
    auto kw = std::make_unique<SchemaListKeyword>(loc(info, name), kind);
    for (std::size_t i = 0; i < it->size(); ++i) {
      kw->schemas.push_back(child((*it)[i], info, suffix(name, std::to_string(i)), depth));
    }
    out.push_back(std::move(kw));
  };
  list("allOf", SchemaListKeyword::Kind::kAllOf);
  list("anyOf", SchemaListKeyword::Kind::kAnyOf);
  list("oneOf", SchemaListKeyword::Kind::kOneOf);

  if (auto n = schema.find("not"); n != schema.end()) {
    auto kw = std::make_unique<NotKeyword>(loc(info, "not"));
    kw->schema = child(*n, info, suffix("not"), depth);
    out.push_back(std::move(kw));
  }
  if (auto i = schema.find("if"); i != schema.end()) {
    auto kw = std::make_unique<IfKeyword>(loc(info, "if"));
    kw->if_schema = child(*i, info, suffix("if"), depth);
    if (auto t = schema.find("then"); t != schema.end())
      kw->then_schema = child(*t, info, suffix("then"), depth);
    if (auto e = schema.find("else"); e != schema.end())
      kw->else_schema = child(*e, info, suffix("else"), depth);
    out.push_back(std::move(kw));
  }

  // dependentSchemas (2020-12) and the schema form of dependencies (draft-07).
  const char* dep_name = draft7 ? "dependencies" : "dependentSchemas";
  if (auto d = schema.find(dep_name); d != schema.end() && d->is_object()) {
    auto kw = std::make_unique<DependentSchemasKeyword>(loc(info, dep_name));
    for (auto it = d->begin(); it != d->end(); ++it) {
      if (it->is_array() && draft7) continue;  // handled as dependentRequired
      kw->schemas.emplace_back(it.key(),
                               child(it.value(), info, suffix(dep_name, it.key()), depth));
    }
    if (!kw->schemas.empty()) out.push_back(std::move(kw));
  }

  // Array items: draft-07 items (array = tuple) + additionalItems; 2020-12 prefixItems + items.
  const char* prefix_name = draft7 ? "items" : "prefixItems";
  const char* rest_name = draft7 ? "additionalItems" : "items";
  auto prefix = schema.find(prefix_name);
  auto rest = schema.find(rest_name);
  if (draft7 && prefix != schema.end() && !prefix->is_array()) {
    rest = prefix;  // draft-07 items as a single schema applies to every item
    rest_name = "items";
    prefix = schema.end();
  } else if (draft7 && prefix == schema.end()) {
    rest = schema.end();  // additionalItems without tuple items does nothing
  }
  if (prefix != schema.end() || rest != schema.end()) {
    auto kw =
        std::make_unique<ItemsKeyword>(loc(info, prefix != schema.end() ? prefix_name : rest_name));
    if (prefix != schema.end()) {
      if (!prefix->is_array())
        error(loc(info, prefix_name), std::string(prefix_name) + " must be an array");
      for (std::size_t i = 0; prefix->is_array() && i < prefix->size(); ++i) {
        kw->prefix.push_back(
            child((*prefix)[i], info, suffix(prefix_name, std::to_string(i)), depth));
      }
    }
    if (rest != schema.end()) {
      kw->rest = child(*rest, info, suffix(rest_name), depth);
      kw->rest_location = loc(info, rest_name);
    }
    out.push_back(std::move(kw));
  }

  if (auto c = schema.find("contains"); c != schema.end()) {
    auto kw = std::make_unique<ContainsKeyword>(loc(info, "contains"));
    kw->schema = child(*c, info, suffix("contains"), depth);
    if (!draft7 && (info.vocabularies & kVocabValidation)) {
      // Non-negative integers, which in JSON Schema include integral decimals such as 2.0.
      for (const char* name : {"minContains", "maxContains"}) {
        auto m = schema.find(name);
        if (m == schema.end()) continue;
        std::uint64_t n = 0;
        if (!non_negative_integer(*m, n)) {
          error(loc(info, name), std::string(name) + " must be a non-negative integer");
        } else {
          (std::string_view(name) == "minContains" ? kw->min : kw->max) = n;
        }
      }
    }
    out.push_back(std::move(kw));
  }

  auto props = schema.find("properties");
  auto patterns = schema.find("patternProperties");
  auto additional = schema.find("additionalProperties");
  if (props != schema.end() || patterns != schema.end() || additional != schema.end()) {
    const char* first = props != schema.end()      ? "properties"
                        : patterns != schema.end() ? "patternProperties"
                                                   : "additionalProperties";
    auto kw = std::make_unique<MembersKeyword>(loc(info, first));
    if (props != schema.end() && props->is_object()) {
      for (auto it = props->begin(); it != props->end(); ++it) {
        kw->properties.emplace_back(it.key(),
                                    child(it.value(), info, suffix("properties", it.key()), depth));
      }
      std::sort(kw->properties.begin(), kw->properties.end(),
                [](const auto& a, const auto& b) { return a.first < b.first; });
    }
    if (patterns != schema.end() && patterns->is_object()) {
      for (auto it = patterns->begin(); it != patterns->end(); ++it) {
        std::string why;
        auto re = EcmaRegex::compile(it.key(), options_.max_regex_program, why);
        if (!re) {
          error(loc(info, "patternProperties") + "/" + escape_pointer_token(it.key()),
                "invalid pattern: " + why);
          continue;
        }
        kw->patterns.emplace_back(
            std::move(re), child(it.value(), info, suffix("patternProperties", it.key()), depth));
      }
    }
    if (additional != schema.end()) {
      kw->additional = child(*additional, info, suffix("additionalProperties"), depth);
      kw->additional_location = loc(info, "additionalProperties");
    }
    out.push_back(std::move(kw));
  }

  if (auto p = schema.find("propertyNames"); p != schema.end()) {
    auto kw = std::make_unique<PropertyNamesKeyword>(loc(info, "propertyNames"));
    kw->schema = child(*p, info, suffix("propertyNames"), depth);
    out.push_back(std::move(kw));
  }
}

}  // namespace bronpoort::schema::detail
