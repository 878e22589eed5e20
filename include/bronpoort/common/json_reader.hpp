#pragma once
// Strict reading of one JSON object from a config file: each accessor checks presence, type and
// range and records a ConfigError (file, JSON pointer, reason) instead of throwing; `finish()`
// reports every key that was never asked for, so a typo is an error, not a silently ignored key.

#include <bronpoort/core/config_error.hpp>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <set>
#include <string>

namespace bronpoort::common {

class JsonReader {
 public:
  // `value` must outlive the reader. A non-object `value` is reported at once.
  JsonReader(const nlohmann::json& value, std::string file, std::string pointer,
             ConfigErrors& errors);

  bool ok() const { return is_object_; }
  bool is_object() const { return is_object_; }
  // A required string must also be non-empty.
  std::optional<std::string> string(const std::string& key, bool required);
  // A string that must not be empty, whether required or not.
  std::optional<std::string> text(const std::string& key, bool required);
  std::optional<std::int64_t> integer(const std::string& key, bool required, std::int64_t min,
                                      std::int64_t max);
  std::optional<bool> boolean(const std::string& key, bool required);
  // The member if it is an object (nullptr and an error when it has another type).
  const nlohmann::json* object(const std::string& key, bool required);
  const nlohmann::json* array(const std::string& key, bool required);
  // Any JSON value; only presence is checked.
  const nlohmann::json* any(const std::string& key, bool required);
  const nlohmann::json* member(const std::string& key, bool required) { return any(key, required); }

  // An error at member `key` ("" for the object itself).
  void error(const std::string& key, std::string reason);
  // An error at an absolute JSON pointer into the file.
  void error_at(const std::string& pointer, std::string reason);
  // "must be <expected>" at member `key`.
  void type_error(const std::string& key, const char* expected);
  std::string pointer_to(const std::string& key) const;
  std::string child_pointer(const std::string& key) const { return pointer_to(key); }
  const std::string& pointer() const { return pointer_; }
  const std::string& file() const { return file_; }
  ConfigErrors& errors() { return errors_; }
  // Reports keys present in the object that no accessor asked for.
  void finish();
  void reject_unknown() { finish(); }
  // Names the members read later (or not at all) and reports every other one now.
  void reject_unknown(std::initializer_list<const char*> known);

 private:
  const nlohmann::json* lookup(const std::string& key, bool required);

  const nlohmann::json& value_;
  std::string file_;
  std::string pointer_;
  ConfigErrors& errors_;
  std::set<std::string> seen_;
  bool is_object_;
};

// Escapes a key for use in a JSON pointer (RFC 6901: "~" -> "~0", "/" -> "~1").
std::string escape_pointer_token(const std::string& key);

}  // namespace bronpoort::common
