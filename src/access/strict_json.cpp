#include "strict_json.hpp"

#include <bronpoort/config/json_reader.hpp>

#include <algorithm>

namespace bronpoort::access {

// RFC 6901 escaping, shared with the gateway config reader.
std::string pointer_token(const std::string& key) {
  return config::escape_pointer_token(key);
}

StrictObject::StrictObject(const nlohmann::json& value, std::string pointer,
                           const std::string& file, ConfigErrors& errors)
    : pointer_(std::move(pointer)), file_(file), errors_(errors) {
  if (!value.is_object()) {
    error(pointer_, "must be an object");
    return;
  }
  value_ = &value;
  ok_ = true;
}

void StrictObject::error(const std::string& pointer, const std::string& reason) {
  errors_.push_back(ConfigError{file_, pointer, reason});
}

const nlohmann::json* StrictObject::member(const std::string& key, bool required) {
  if (!ok_) return nullptr;
  auto it = value_->find(key);
  if (it == value_->end()) {
    if (required) error(pointer_, "missing required member '" + key + "'");
    return nullptr;
  }
  return &*it;
}

std::optional<std::string> StrictObject::string(const std::string& key, bool required,
                                                bool non_empty) {
  const auto* v = member(key, required);
  if (!v) return std::nullopt;
  if (!v->is_string()) {
    error(at(key), "must be a string");
    return std::nullopt;
  }
  auto s = v->get<std::string>();
  if (non_empty && s.empty()) {
    error(at(key), "must not be empty");
    return std::nullopt;
  }
  return s;
}

std::optional<bool> StrictObject::boolean(const std::string& key, bool required) {
  const auto* v = member(key, required);
  if (!v) return std::nullopt;
  if (!v->is_boolean()) {
    error(at(key), "must be true or false");
    return std::nullopt;
  }
  return v->get<bool>();
}

std::optional<long long> StrictObject::integer(const std::string& key, bool required, long long min,
                                               long long max) {
  const auto* v = member(key, required);
  if (!v) return std::nullopt;
  if (!v->is_number_integer()) {
    error(at(key), "must be an integer");
    return std::nullopt;
  }
  auto n = v->get<long long>();
  if (n < min || n > max) {
    error(at(key), "must be between " + std::to_string(min) + " and " + std::to_string(max));
    return std::nullopt;
  }
  return n;
}

void StrictObject::reject_unknown(std::initializer_list<const char*> known) {
  if (!ok_) return;
  for (const auto& [key, _] : value_->items()) {
    bool found = std::any_of(known.begin(), known.end(), [&](const char* k) { return key == k; });
    if (!found) error(at(key), "unknown member '" + key + "'");
  }
}

}  // namespace bronpoort::access
