#pragma once
// Parses a resource's "connector" object (HTTP or PostgreSQL) from a source-holder file.

#include "config_reader.hpp"

#include <bronpoort/sources/registry.hpp>

namespace bronpoort::sources {

// Reads the connector at `reader`'s object; `fields` are the resource's fields (for the column
// mapping). Returns false when there were errors (already recorded).
bool read_connector(ConfigReader& reader, const std::vector<Field>& fields, ConnectorConfig& out);

// Replaces every ${NAME} in `text` from the environment. Returns the name of the first unset
// variable or malformed reference in `missing` and false.
bool substitute_env(const std::string& text, std::string& out, std::string& missing);

// A plain SQL identifier: letters, digits, underscore, not starting with a digit, at most 63 bytes.
bool is_plain_identifier(const std::string& s);

}  // namespace bronpoort::sources
