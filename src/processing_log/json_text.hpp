#pragma once
// JSON texts of log values, byte for byte as nlohmann::json dumps them (no indent, invalid UTF-8
// replaced rather than thrown), without building a json value for the common cases. The canonical
// bytes every hash covers and the stored list and object columns are both written with them.

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace bronpoort::processing_log::json_text {

// nlohmann::json's dump with invalid UTF-8 replaced: a caller's bad bytes must not throw on the
// writer thread.
std::string dump(const nlohmann::json& value);

// Appends `s` as a JSON string. Almost every log text is printable ASCII without quotes or
// backslashes, which needs no escaping; anything else goes through nlohmann itself, so escapes
// and replacements are exactly its own.
void append_string(std::string& out, const std::string& s);

// Appends a list of texts as a JSON array.
void append_list(std::string& out, const std::vector<std::string>& list);

// Appends any value: objects member by member in nlohmann's (sorted) order, strings as above,
// everything else as nlohmann dumps it.
void append_json(std::string& out, const nlohmann::json& value);

}  // namespace bronpoort::processing_log::json_text
