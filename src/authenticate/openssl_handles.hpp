#pragma once
// Owning handles for the OpenSSL objects this stage creates, so no early return leaks one.

#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include <memory>

namespace bronpoort::authenticate {

struct OpenSslFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
  void operator()(EVP_PKEY_CTX* p) const { EVP_PKEY_CTX_free(p); }
  void operator()(EVP_MD_CTX* p) const { EVP_MD_CTX_free(p); }
  void operator()(BIGNUM* p) const { BN_free(p); }
  void operator()(OSSL_PARAM_BLD* p) const { OSSL_PARAM_BLD_free(p); }
  void operator()(OSSL_PARAM* p) const { OSSL_PARAM_free(p); }
};

template <typename T>
using OpenSslPtr = std::unique_ptr<T, OpenSslFree>;

// Shared ownership for keys held by the immutable config and used from many threads at once;
// verifying with an EVP_PKEY does not modify it.
inline std::shared_ptr<EVP_PKEY> share_key(OpenSslPtr<EVP_PKEY> key) {
  return std::shared_ptr<EVP_PKEY>(key.release(), [](EVP_PKEY* p) { EVP_PKEY_free(p); });
}

}  // namespace bronpoort::authenticate
