#pragma once
// UTF-8 checks for text that arrives from callers. Request targets are refused when they decode
// to invalid UTF-8; text kept in the processing log is repaired instead (see processing_log's
// storable_text), because a record must be written whatever the caller sent.

#include <cstddef>
#include <string>
#include <string_view>

namespace bronpoort {

// Length of the well-formed UTF-8 sequence at s[i] (RFC 3629: no overlong forms, no surrogates,
// nothing above U+10FFFF), or 0 when there is none.
std::size_t utf8_sequence_length(std::string_view s, std::size_t i);

bool is_valid_utf8(std::string_view s);

// `s` as valid UTF-8 (each bad byte becomes U+FFFD) of at most `max_bytes` bytes; when cut, on a
// character boundary and ended with "…".
std::string to_valid_utf8(std::string_view s, std::size_t max_bytes);

// Makes `s` what to_valid_utf8(s, max_bytes) returns, in place; text that is already valid and
// short enough (nearly all of it) is left as it is without a copy.
void make_valid_utf8(std::string& s, std::size_t max_bytes);

}  // namespace bronpoort
