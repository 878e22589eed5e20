#include <bronpoort/processing_log/pseudonymiser.hpp>

#include <openssl/evp.h>
#include <openssl/hmac.h>

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
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key_.data(), static_cast<int>(key_.size()),
       reinterpret_cast<const unsigned char*>(input.data()), input.size(), mac, &len);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(len * 2);
  for (unsigned int i = 0; i < len; ++i) {
    out.push_back(kHex[mac[i] >> 4]);
    out.push_back(kHex[mac[i] & 0x0f]);
  }
  return out;
}

}  // namespace bronpoort::processing_log
