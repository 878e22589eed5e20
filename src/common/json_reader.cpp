#include <bronpoort/common/json_reader.hpp>

namespace bronpoort::common {

std::string escape_pointer_token(const std::string& key) {
  std::string out;
  for (char c : key) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

JsonReader::JsonReader(const nlohmann::json& value, std::string file, std::string pointer,
                       ConfigErrors& errors)
    : value_(value),
      file_(std::move(file)),
      pointer_(std::move(pointer)),
      errors_(errors),
      is_object_(value.is_object()) {
  if (!is_object_) errors_.push_back({file_, pointer_, "must be an object"});
}

std::string JsonReader::pointer_to(const std::string& key) const {
  return pointer_ + "/" + escape_pointer_token(key);
}

void JsonReader::error(const std::string& key, std::string reason) {
  errors_.push_back({file_, key.empty() ? pointer_ : pointer_to(key), std::move(reason)});
}

const nlohmann::json* JsonReader::lookup(const std::string& key, bool required) {
  seen_.insert(key);
  if (!is_object_) return nullptr;
  auto it = value_.find(key);
  if (it == value_.end()) {
    if (required) errors_.push_back({file_, pointer_, "missing required member \"" + key + "\""});
    return nullptr;
  }
  return &*it;
}

std::optional<std::string> JsonReader::string(const std::string& key, bool required) {
  const auto* v = lookup(key, required);
  if (!v) return std::nullopt;
  if (!v->is_string()) {
    error(key, "must be a string");
    return std::nullopt;
  }
  if (required && v->get_ref<const std::string&>().empty()) {
    error(key, "must not be empty");
    return std::nullopt;
  }
  return v->get<std::string>();
}

std::optional<std::string> JsonReader::text(const std::string& key, bool required) {
  auto s = string(key, required);
  if (s && s->empty()) {
    if (!required) error(key, "must not be empty");  // string() reported a required one
    return std::nullopt;
  }
  return s;
}

void JsonReader::reject_unknown(std::initializer_list<const char*> known) {
  for (const char* k : known) seen_.insert(k);
  finish();
}

std::optional<std::int64_t> JsonReader::integer(const std::string& key, bool required,
                                                std::int64_t min, std::int64_t max) {
  const auto* v = lookup(key, required);
  if (!v) return std::nullopt;
  if (!v->is_number_integer()) {
    error(key, "must be an integer");
    return std::nullopt;
  }
  if (v->is_number_unsigned() && v->get<std::uint64_t>() > static_cast<std::uint64_t>(max)) {
    error(key, "must be at most " + std::to_string(max));
    return std::nullopt;
  }
  auto n = v->get<std::int64_t>();
  if (n < min || n > max) {
    error(key, "must be between " + std::to_string(min) + " and " + std::to_string(max));
    return std::nullopt;
  }
  return n;
}

std::optional<bool> JsonReader::boolean(const std::string& key, bool required) {
  const auto* v = lookup(key, required);
  if (!v) return std::nullopt;
  if (!v->is_boolean()) {
    error(key, "must be true or false");
    return std::nullopt;
  }
  return v->get<bool>();
}

const nlohmann::json* JsonReader::object(const std::string& key, bool required) {
  const auto* v = lookup(key, required);
  if (v && !v->is_object()) {
    error(key, "must be an object");
    return nullptr;
  }
  return v;
}

const nlohmann::json* JsonReader::array(const std::string& key, bool required) {
  const auto* v = lookup(key, required);
  if (v && !v->is_array()) {
    error(key, "must be an array");
    return nullptr;
  }
  return v;
}

const nlohmann::json* JsonReader::any(const std::string& key, bool required) {
  return lookup(key, required);
}

void JsonReader::error_at(const std::string& pointer, std::string reason) {
  errors_.push_back({file_, pointer, std::move(reason)});
}

void JsonReader::type_error(const std::string& key, const char* expected) {
  error(key, std::string("must be ") + expected);
}

void JsonReader::finish() {
  if (!is_object_) return;
  for (const auto& [k, v] : value_.items()) {
    if (!seen_.count(k)) error(k, "unknown member \"" + k + "\"");
  }
}

}  // namespace bronpoort::common
