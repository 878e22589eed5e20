#pragma once
// A small strict reader for typed config parsing: every problem becomes a ConfigError with the
// file, the JSON pointer and a reason, and members nobody asked for are reported as unknown.
// It gives the same errors as the JSON Schema in schemas/ until the shared validator lands.

#include <bronpoort/core/config_error.hpp>

#include <nlohmann/json.hpp>

#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

namespace bronpoort::access {

std::string pointer_token(const std::string& key);  // RFC 6901 escaping of ~ and /

class StrictObject {
 public:
  // Reports an error (and yields nothing) when `value` is not an object.
  StrictObject(const nlohmann::json& value, std::string pointer, const std::string& file,
               ConfigErrors& errors);
  bool ok() const { return ok_; }
  std::string at(const std::string& key) const { return pointer_ + "/" + pointer_token(key); }
  const std::string& pointer() const { return pointer_; }

  // Required/optional members of a given type. Missing required members are errors.
  std::optional<std::string> string(const std::string& key, bool required, bool non_empty = true);
  std::optional<bool> boolean(const std::string& key, bool required);
  std::optional<long long> integer(const std::string& key, bool required, long long min,
                                   long long max);
  const nlohmann::json* member(const std::string& key, bool required);
  // Any member not named in `known` is an error.
  void reject_unknown(std::initializer_list<const char*> known);
  void error(const std::string& pointer, const std::string& reason);

 private:
  const nlohmann::json* value_ = nullptr;
  std::string pointer_;
  const std::string& file_;
  ConfigErrors& errors_;
  bool ok_ = false;
};

}  // namespace bronpoort::access
