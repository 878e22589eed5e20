#pragma once
// Source-holder files are read with the gateway config's strict reader: every member typed, every
// error with file and JSON pointer, members nobody asked for reported as unknown.

#include <bronpoort/common/json_reader.hpp>

#include <string>

namespace bronpoort::sources {

using ConfigReader = common::JsonReader;

// Escapes a JSON-pointer reference token (RFC 6901): '~' -> "~0", '/' -> "~1".
inline std::string pointer_token(const std::string& key) {
  return common::escape_pointer_token(key);
}

}  // namespace bronpoort::sources
