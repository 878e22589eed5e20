#include <bronpoort/processing_log/pseudonymiser.hpp>

#include <bronpoort/core/hmac.hpp>

#include <cctype>

namespace bronpoort::processing_log {

std::string Pseudonymiser::pseudonym(const std::string& type, const std::string& id) const {
  // The type is part of the input so that equal numbers of different kinds (a BSN and a KvK
  // number) never share a pseudonym.
  // Types compare case-insensitively ("bsn" and "BSN" are one kind of identifier), so a citizen
  // finds their records whichever spelling the source registration used.
  std::string input;
  for (char c : type)
    input.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  input += ":" + id;
  return hmac_sha256_hex(key_, input);
}

}  // namespace bronpoort::processing_log
