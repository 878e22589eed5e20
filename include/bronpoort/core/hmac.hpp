#pragma once
// HMAC-SHA256 in lower-case hex: the one keyed hash behind pseudonyms, keyed result order and
// other values that must be stable under a secret and unpredictable without it.

#include <string>
#include <string_view>

namespace bronpoort {

std::string hmac_sha256_hex(std::string_view key, std::string_view message);

}  // namespace bronpoort
