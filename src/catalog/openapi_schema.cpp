// JSON Schema (2020-12 / draft-07) to the OpenAPI 3.0 schema object, which is an older, smaller
// dialect: no type arrays, no const, boolean exclusive bounds, and $ref only to components.

#include <bronpoort/catalog/openapi.hpp>

#include <algorithm>
#include <array>
#include <cctype>

namespace bronpoort::catalog {
namespace {

// Keywords OpenAPI 3.0 schema objects share with JSON Schema and that need no rewriting.
constexpr std::array<std::string_view, 20> kPlainKeywords = {
    "title",    "description", "format",      "default",       "multipleOf",
    "maximum",  "minimum",     "maxLength",   "minLength",     "pattern",
    "maxItems", "minItems",    "uniqueItems", "maxProperties", "minProperties",
    "required", "enum",        "readOnly",    "writeOnly",     "deprecated"};

struct Converter {
  const std::string& prefix;
  nlohmann::json& components;

  std::string component_name(const std::string& def) const {
    std::string name = prefix;
    bool up = true;
    for (char c : def) {
      if (!std::isalnum(static_cast<unsigned char>(c))) {
        up = true;
        continue;
      }
      name += up ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
      up = false;
    }
    return name;
  }

  nlohmann::json convert_ref(const std::string& ref) const {
    if (ref == "#") return {{"$ref", "#/components/schemas/" + prefix}};
    for (std::string_view base : {"#/$defs/", "#/definitions/"}) {
      if (ref.rfind(base, 0) == 0 && ref.find('/', base.size()) == std::string::npos) {
        return {{"$ref", "#/components/schemas/" + component_name(ref.substr(base.size()))}};
      }
    }
    // A reference we cannot place (another file, a deep pointer): describe it rather than emit
    // a dangling $ref, which would make the whole document invalid.
    return {{"description", "Conforms to " + ref}};
  }

  nlohmann::json convert(const nlohmann::json& in) const {
    if (in.is_boolean()) {
      return in.get<bool>() ? nlohmann::json::object()
                            : nlohmann::json{{"not", nlohmann::json::object()}};
    }
    if (!in.is_object()) return nlohmann::json::object();
    if (auto ref = in.find("$ref"); ref != in.end() && ref->is_string()) {
      // In OpenAPI 3.0 siblings of $ref are ignored; keep them by wrapping in allOf.
      nlohmann::json target = convert_ref(ref->get<std::string>());
      nlohmann::json rest = in;
      rest.erase("$ref");
      if (rest.empty() || !target.contains("$ref")) return target;
      nlohmann::json out = convert(rest);
      out["allOf"] = nlohmann::json::array({target});
      return out;
    }
    nlohmann::json out = nlohmann::json::object();
    for (std::string_view key : kPlainKeywords) {
      if (auto it = in.find(key); it != in.end()) out[std::string(key)] = *it;
    }
    convert_type(in, out);
    if (auto it = in.find("const"); it != in.end()) out["enum"] = nlohmann::json::array({*it});
    convert_bounds(in, out, "exclusiveMinimum", "minimum");
    convert_bounds(in, out, "exclusiveMaximum", "maximum");
    if (auto it = in.find("examples"); it != in.end() && it->is_array() && !it->empty()) {
      out["example"] = it->front();
    } else if (auto ex = in.find("example"); ex != in.end()) {
      out["example"] = *ex;
    }
    if (auto it = in.find("properties"); it != in.end() && it->is_object()) {
      nlohmann::json props = nlohmann::json::object();
      for (const auto& [name, sub] : it->items()) props[name] = convert(sub);
      out["properties"] = props;
    }
    if (auto it = in.find("additionalProperties"); it != in.end()) {
      out["additionalProperties"] = it->is_boolean() ? *it : convert(*it);
    }
    if (auto it = in.find("items"); it != in.end()) {
      // Draft-07 tuple form (an array) has no OpenAPI 3.0 equivalent: accept any item.
      out["items"] = it->is_array() ? nlohmann::json::object() : convert(*it);
    } else if (out.value("type", "") == "array") {
      out["items"] = nlohmann::json::object();
    }
    for (const char* key : {"allOf", "oneOf", "anyOf"}) {
      if (auto it = in.find(key); it != in.end() && it->is_array()) {
        nlohmann::json list = nlohmann::json::array();
        for (const auto& sub : *it) list.push_back(convert(sub));
        out[key] = list;
      }
    }
    if (auto it = in.find("not"); it != in.end()) out["not"] = convert(*it);
    return out;
  }

  static void convert_type(const nlohmann::json& in, nlohmann::json& out) {
    auto it = in.find("type");
    if (it == in.end()) return;
    if (it->is_string()) {
      if (*it == "null") {
        out["nullable"] = true;  // only null: the closest 3.0 can say
      } else {
        out["type"] = *it;
      }
      return;
    }
    if (!it->is_array()) return;
    std::vector<std::string> types;
    bool nullable = false;
    for (const auto& t : *it) {
      if (!t.is_string()) continue;
      if (t == "null") {
        nullable = true;
      } else {
        types.push_back(t.get<std::string>());
      }
    }
    if (nullable) out["nullable"] = true;
    if (types.size() == 1) {
      out["type"] = types.front();
    } else if (types.size() > 1) {
      nlohmann::json alternatives = nlohmann::json::array();
      for (const auto& t : types) alternatives.push_back({{"type", t}});
      out["anyOf"] = alternatives;
    }
    if (out.contains("enum") && nullable) {
      // A nullable enum must list null itself in OpenAPI 3.0.
      auto& e = out["enum"];
      if (std::find(e.begin(), e.end(), nullptr) == e.end()) e.push_back(nullptr);
    }
  }

  // 2020-12 / draft-07 give the exclusive bound as a number; OpenAPI 3.0 (draft-04) as a flag on
  // minimum/maximum.
  static void convert_bounds(const nlohmann::json& in, nlohmann::json& out, const char* key,
                             const char* bound) {
    auto it = in.find(key);
    if (it == in.end()) return;
    if (it->is_number()) {
      if (!out.contains(bound) ||
          (std::string(bound) == "minimum" ? *it >= out[bound] : *it <= out[bound])) {
        out[bound] = *it;
      }
      out[key] = true;
    } else if (it->is_boolean()) {
      out[key] = *it;
    }
  }
};

}  // namespace

nlohmann::json to_openapi_schema(const nlohmann::json& schema, const std::string& prefix,
                                 nlohmann::json& components_schemas) {
  Converter c{prefix, components_schemas};
  for (const char* defs : {"$defs", "definitions"}) {
    auto it = schema.find(defs);
    if (it == schema.end() || !it->is_object()) continue;
    for (const auto& [name, sub] : it->items()) {
      components_schemas[c.component_name(name)] = c.convert(sub);
    }
  }
  return c.convert(schema);
}

}  // namespace bronpoort::catalog
