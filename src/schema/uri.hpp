#pragma once
// The small part of RFC 3986 that schema identification needs: resolving a reference against a
// base URI and splitting off the fragment. Plus JSON Pointer (RFC 6901) token escaping.

#include <string>
#include <string_view>
#include <utility>

namespace bronpoort::schema::detail {

// RFC 3986 section 5.2 reference resolution (with dot-segment removal).
std::string resolve_uri(const std::string& base, const std::string& reference);

// "a#b" -> {"a", "b"}; no '#' -> {uri, ""}.
std::pair<std::string, std::string> split_fragment(const std::string& uri);

// %XX decoding of a fragment; returns false on a malformed escape.
bool percent_decode(std::string_view in, std::string& out);

// "~" -> "~0", "/" -> "~1".
std::string escape_pointer_token(std::string_view token);

// Appends "/token" (escaped) to a pointer.
std::string append_pointer(const std::string& pointer, std::string_view token);

}  // namespace bronpoort::schema::detail

namespace bronpoort::schema::detail {
// The URI without its fragment (and without a trailing empty "#").
inline std::string split_fragment_base(const std::string& uri) {
  return split_fragment(uri).first;
}
}  // namespace bronpoort::schema::detail
