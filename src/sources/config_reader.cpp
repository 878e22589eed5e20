#include "config_reader.hpp"

#include <bronpoort/config/json_reader.hpp>

namespace bronpoort::sources {

// RFC 6901 escaping, shared with the gateway config reader.
std::string pointer_token(const std::string& key) {
  return config::escape_pointer_token(key);
}

ConfigReader::ConfigReader(const nlohmann::json& object, std::string file, std::string pointer,
                           ConfigErrors& errors)
    : object_(object), file_(std::move(file)), pointer_(std::move(pointer)), errors_(errors) {
  is_object_ = object_.is_object();
  if (!is_object_) error(pointer_, "must be an object");
}

std::string ConfigReader::child_pointer(const std::string& key) const {
  return pointer_ + "/" + pointer_token(key);
}

void ConfigReader::error(const std::string& pointer, std::string reason) {
  errors_.push_back(ConfigError{file_, pointer, std::move(reason)});
}

const nlohmann::json* ConfigReader::member(const std::string& key, bool required) {
  known_.insert(key);
  if (!is_object_) return nullptr;
  auto it = object_.find(key);
  if (it == object_.end()) {
    if (required) error(pointer_, "missing required member \"" + key + "\"");
    return nullptr;
  }
  return &*it;
}

void ConfigReader::type_error(const std::string& key, const char* expected) {
  error(child_pointer(key), std::string("must be ") + expected);
}

std::optional<std::string> ConfigReader::string(const std::string& key, bool required) {
  const auto* v = member(key, required);
  if (v == nullptr) return std::nullopt;
  if (!v->is_string()) {
    type_error(key, "a string");
    return std::nullopt;
  }
  auto s = v->get<std::string>();
  if (required && s.empty()) {
    error(child_pointer(key), "must not be empty");
    return std::nullopt;
  }
  return s;
}

std::optional<bool> ConfigReader::boolean(const std::string& key, bool required) {
  const auto* v = member(key, required);
  if (v == nullptr) return std::nullopt;
  if (!v->is_boolean()) {
    type_error(key, "a boolean");
    return std::nullopt;
  }
  return v->get<bool>();
}

std::optional<long long> ConfigReader::integer(const std::string& key, bool required, long long min,
                                               long long max) {
  const auto* v = member(key, required);
  if (v == nullptr) return std::nullopt;
  if (!v->is_number_integer()) {
    type_error(key, "an integer");
    return std::nullopt;
  }
  long long n = v->get<long long>();
  if (n < min || n > max) {
    error(child_pointer(key),
          "must be between " + std::to_string(min) + " and " + std::to_string(max));
    return std::nullopt;
  }
  return n;
}

void ConfigReader::reject_unknown() {
  if (!is_object_) return;
  for (const auto& [key, value] : object_.items()) {
    if (known_.count(key) == 0) error(child_pointer(key), "unknown key \"" + key + "\"");
  }
}

}  // namespace bronpoort::sources
