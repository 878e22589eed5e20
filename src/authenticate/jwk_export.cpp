#include <bronpoort/authenticate/jwk_export.hpp>

#include "openssl_handles.hpp"

#include <bronpoort/authenticate/base64url.hpp>

#include <openssl/core_names.h>

namespace bronpoort::authenticate {
namespace {

// A big-endian BIGNUM parameter, left-padded to `width` bytes when width > 0 (EC coordinates are
// fixed-width in a JWK; RSA values carry no leading zeros).
std::string bn_param(EVP_PKEY* key, const char* name, int width = 0) {
  BIGNUM* raw = nullptr;
  if (EVP_PKEY_get_bn_param(key, name, &raw) != 1) return {};
  OpenSslPtr<BIGNUM> bn(raw);
  std::string out(static_cast<std::size_t>(width > 0 ? width : BN_num_bytes(bn.get())), '\0');
  if (BN_bn2binpad(bn.get(), reinterpret_cast<unsigned char*>(out.data()),
                   static_cast<int>(out.size())) < 0) {
    return {};
  }
  return base64url_encode(out);
}

}  // namespace

nlohmann::json public_jwk(EVP_PKEY* key, const std::string& kid) {
  if (EVP_PKEY_is_a(key, "RSA")) {
    return {{"kty", "RSA"},
            {"kid", kid},
            {"n", bn_param(key, OSSL_PKEY_PARAM_RSA_N)},
            {"e", bn_param(key, OSSL_PKEY_PARAM_RSA_E)}};
  }
  if (EVP_PKEY_is_a(key, "EC")) {
    return {{"kty", "EC"},
            {"crv", "P-256"},
            {"kid", kid},
            {"x", bn_param(key, OSSL_PKEY_PARAM_EC_PUB_X, 32)},
            {"y", bn_param(key, OSSL_PKEY_PARAM_EC_PUB_Y, 32)}};
  }
  if (EVP_PKEY_is_a(key, "ED25519")) {
    std::string raw(32, '\0');
    std::size_t len = raw.size();
    if (EVP_PKEY_get_raw_public_key(key, reinterpret_cast<unsigned char*>(raw.data()), &len) != 1) {
      return nlohmann::json::object();
    }
    return {{"kty", "OKP"}, {"crv", "Ed25519"}, {"kid", kid}, {"x", base64url_encode(raw)}};
  }
  return nlohmann::json::object();
}

}  // namespace bronpoort::authenticate
