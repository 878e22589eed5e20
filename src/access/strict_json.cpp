#include "strict_json.hpp"

namespace bronpoort::access {

std::optional<std::string> StrictObject::string(const std::string& key, bool required,
                                                bool non_empty) {
  return non_empty ? JsonReader::text(key, required) : JsonReader::string(key, required);
}

}  // namespace bronpoort::access
