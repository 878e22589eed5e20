#include "record_schema.hpp"

#include "config_reader.hpp"

namespace bronpoort::sources {
namespace {

std::optional<FieldType> type_from_name(const std::string& name) {
  if (name == "string") return FieldType::String;
  if (name == "integer") return FieldType::Integer;
  if (name == "number") return FieldType::Number;
  if (name == "boolean") return FieldType::Boolean;
  return std::nullopt;
}

// Reads "type": "string" or "type": ["string", "null"] into `field`.
bool read_type(const nlohmann::json& type, Field& field) {
  std::vector<std::string> names;
  if (type.is_string()) {
    names.push_back(type.get<std::string>());
  } else if (type.is_array()) {
    for (const auto& t : type) {
      if (!t.is_string()) return false;
      names.push_back(t.get<std::string>());
    }
  } else {
    return false;
  }
  int concrete = 0;
  for (const auto& n : names) {
    if (n == "null") {
      field.nullable = true;
      continue;
    }
    auto t = type_from_name(n);
    if (!t) return false;
    field.type = *t;
    ++concrete;
  }
  return concrete == 1;
}

}  // namespace

std::vector<Field> fields_from_schema(const nlohmann::json& schema, const std::string& file,
                                      ConfigErrors& errors) {
  std::vector<Field> fields;
  auto fail = [&](const std::string& pointer, const std::string& reason) {
    errors.push_back(ConfigError{file, pointer, reason});
  };
  if (!schema.is_object()) {
    fail("", "a record schema must be a JSON object");
    return fields;
  }
  if (schema.value("type", nlohmann::json()) != "object") {
    fail("/type", "a record schema must have \"type\": \"object\"");
  }
  auto props = schema.find("properties");
  if (props == schema.end() || !props->is_object() || props->empty()) {
    fail("/properties", "a record schema must declare its fields under \"properties\"");
    return fields;
  }
  // nlohmann::json sorts object keys; keep that order: it is stable and the same everywhere.
  for (const auto& [name, prop] : props->items()) {
    std::string pointer = "/properties/" + pointer_token(name);
    Field f;
    f.name = name;
    if (!prop.is_object() || !prop.contains("type") || !read_type(prop["type"], f)) {
      fail(pointer + "/type",
           "must be one of string, integer, number, boolean (optionally with null)");
      continue;
    }
    if (auto fmt = prop.find("format"); fmt != prop.end()) {
      if (fmt->is_string() && *fmt == "date" && f.type == FieldType::String) f.is_date = true;
    }
    fields.push_back(std::move(f));
  }
  return fields;
}

}  // namespace bronpoort::sources
