#pragma once
// HMAC-SHA256 in lower-case hex: the one keyed hash behind pseudonyms, keyed result order and
// other values that must be stable under a secret and unpredictable without it.

#include <array>
#include <initializer_list>
#include <string>
#include <string_view>

namespace bronpoort {

std::array<unsigned char, 32> hmac_sha256(std::string_view key, std::string_view message);
std::string hmac_sha256_hex(std::string_view key, std::string_view message);

// The parts joined as "<length>:<part>" each, so that no choice of values makes two different
// tuples one input.
std::string length_prefixed(std::initializer_list<std::string_view> parts);

}  // namespace bronpoort
