#pragma once
// Strict reading of one JSON object from a config file: every member is typed, every error is
// recorded with file and JSON pointer, and members nobody asked for are reported as unknown keys.

#include <bronpoort/core/config_error.hpp>

#include <nlohmann/json.hpp>

#include <optional>
#include <set>
#include <string>

namespace bronpoort::sources {

class ConfigReader {
 public:
  // `object` must outlive the reader. When it is not an object, that is reported at once.
  ConfigReader(const nlohmann::json& object, std::string file, std::string pointer,
               ConfigErrors& errors);

  bool is_object() const { return is_object_; }
  const std::string& file() const { return file_; }
  const std::string& pointer() const { return pointer_; }
  std::string child_pointer(const std::string& key) const;
  ConfigErrors& errors() { return errors_; }

  std::optional<std::string> string(const std::string& key, bool required);
  std::optional<bool> boolean(const std::string& key, bool required);
  std::optional<long long> integer(const std::string& key, bool required, long long min,
                                   long long max);
  // The member if present (any type); marks it as known. Reports a missing required member.
  const nlohmann::json* member(const std::string& key, bool required);
  // Reports a wrong type for `key` (already looked up with member()).
  void type_error(const std::string& key, const char* expected);
  void error(const std::string& pointer, std::string reason);
  // Reports every member that was never looked up. Call once, after reading.
  void reject_unknown();

 private:
  const nlohmann::json& object_;
  std::string file_;
  std::string pointer_;
  ConfigErrors& errors_;
  bool is_object_ = false;
  std::set<std::string> known_;
};

// Escapes a JSON-pointer reference token (RFC 6901): '~' -> "~0", '/' -> "~1".
std::string pointer_token(const std::string& key);

}  // namespace bronpoort::sources
