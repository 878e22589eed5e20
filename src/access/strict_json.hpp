#pragma once
// The access stage's typed reading of purpose files, its config section and request bodies: the
// gateway config's strict reader (file, JSON pointer and reason for every problem) with the
// conventions these callers share: strings are non-empty unless said otherwise, the known
// members are named up front, and errors are placed by absolute pointer.

#include <bronpoort/common/json_reader.hpp>

#include <initializer_list>
#include <optional>
#include <string>

namespace bronpoort::access {

// RFC 6901 escaping of ~ and /.
inline std::string pointer_token(const std::string& key) {
  return common::escape_pointer_token(key);
}

class StrictObject : public common::JsonReader {
 public:
  // Reports an error (and yields nothing) when `value` is not an object.
  StrictObject(const nlohmann::json& value, std::string pointer, const std::string& file,
               ConfigErrors& errors)
      : JsonReader(value, file, std::move(pointer), errors) {}

  std::string at(const std::string& key) const { return pointer_to(key); }
  std::optional<std::string> string(const std::string& key, bool required, bool non_empty = true);
  using JsonReader::reject_unknown;
  // An error at an absolute pointer.
  void error(const std::string& pointer, const std::string& reason) { error_at(pointer, reason); }
};

}  // namespace bronpoort::access
