#pragma once
// Standard base64 (RFC 4648 section 4, with padding) and lower-case hex, as the signed-note and
// checkpoint formats and the proof API use them. Decoders refuse anything not in canonical form.

#include <optional>
#include <string>
#include <string_view>

namespace bronpoort::processing_log::encoding {

std::string base64(std::string_view bytes);
std::optional<std::string> unbase64(std::string_view text);
std::string hex(std::string_view bytes);
void append_hex(std::string& out, std::string_view bytes);
std::optional<std::string> unhex(std::string_view text);

}  // namespace bronpoort::processing_log::encoding
