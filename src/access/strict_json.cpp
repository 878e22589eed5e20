#include "strict_json.hpp"

namespace bronpoort::access {

std::optional<std::string> StrictObject::string(const std::string& key, bool required,
                                                bool non_empty) {
  auto s = JsonReader::string(key, required);
  if (s && non_empty && s->empty()) {
    JsonReader::error(key, "must not be empty");
    return std::nullopt;
  }
  return s;
}

void StrictObject::reject_unknown(std::initializer_list<const char*> known) {
  for (const char* k : known) any(k, false);  // marks them as known
  finish();
}

}  // namespace bronpoort::access
