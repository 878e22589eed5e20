#include <bronpoort/authenticate/jws_signature.hpp>

#include "openssl_handles.hpp"

#include <openssl/ecdsa.h>

namespace bronpoort::authenticate {
namespace {

constexpr std::size_t kP256CoordinateBytes = 32;
constexpr std::size_t kEd25519SignatureBytes = 64;

const unsigned char* bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

// JWS carries an ES256 signature as the fixed-width concatenation r || s; OpenSSL wants DER.
std::string jose_to_der(std::string_view raw) {
  ECDSA_SIG* sig = ECDSA_SIG_new();
  BIGNUM* r = BN_bin2bn(bytes(raw), kP256CoordinateBytes, nullptr);
  BIGNUM* s = BN_bin2bn(bytes(raw) + kP256CoordinateBytes, kP256CoordinateBytes, nullptr);
  std::string der;
  if (sig && r && s && ECDSA_SIG_set0(sig, r, s) == 1) {
    r = s = nullptr;  // owned by sig now
    unsigned char* out = nullptr;
    const int len = i2d_ECDSA_SIG(sig, &out);
    if (len > 0) der.assign(reinterpret_cast<char*>(out), static_cast<std::size_t>(len));
    OPENSSL_free(out);
  }
  BN_free(r);
  BN_free(s);
  ECDSA_SIG_free(sig);
  return der;
}

std::string der_to_jose(std::string_view der) {
  const unsigned char* p = bytes(der);
  ECDSA_SIG* sig = d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size()));
  if (!sig) return {};
  std::string raw(2 * kP256CoordinateBytes, '\0');
  auto* out = reinterpret_cast<unsigned char*>(raw.data());
  const bool ok =
      BN_bn2binpad(ECDSA_SIG_get0_r(sig), out, kP256CoordinateBytes) > 0 &&
      BN_bn2binpad(ECDSA_SIG_get0_s(sig), out + kP256CoordinateBytes, kP256CoordinateBytes) > 0;
  ECDSA_SIG_free(sig);
  return ok ? raw : std::string{};
}

std::size_t expected_length(Algorithm alg, EVP_PKEY* key) {
  switch (alg) {
    case Algorithm::ES256:
      return 2 * kP256CoordinateBytes;
    case Algorithm::EdDSA:
      return kEd25519SignatureBytes;
    case Algorithm::RS256:
      return static_cast<std::size_t>(EVP_PKEY_get_size(key));
  }
  return 0;
}

// RS256 and ES256 hash with SHA-256; Ed25519 signs the message itself (no separate digest).
const EVP_MD* digest_for(Algorithm alg) {
  return alg == Algorithm::EdDSA ? nullptr : EVP_sha256();
}

}  // namespace

SignatureCheck verify_signature(Algorithm alg, EVP_PKEY* key, std::string_view signing_input,
                                std::string_view signature) {
  if (key == nullptr || signature.size() != expected_length(alg, key)) {
    return SignatureCheck::WrongLength;
  }
  std::string der;
  if (alg == Algorithm::ES256) {
    der = jose_to_der(signature);
    if (der.empty()) return SignatureCheck::Invalid;
    signature = der;
  }
  OpenSslPtr<EVP_MD_CTX> ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, digest_for(alg), nullptr, key) != 1) {
    return SignatureCheck::Invalid;
  }
  const int rc = EVP_DigestVerify(ctx.get(), bytes(signature), signature.size(),
                                  bytes(signing_input), signing_input.size());
  return rc == 1 ? SignatureCheck::Valid : SignatureCheck::Invalid;
}

std::string sign(Algorithm alg, EVP_PKEY* key, std::string_view signing_input) {
  OpenSslPtr<EVP_MD_CTX> ctx(EVP_MD_CTX_new());
  std::size_t len = 0;
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, digest_for(alg), nullptr, key) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &len, bytes(signing_input), signing_input.size()) != 1) {
    return {};
  }
  std::string out(len, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &len,
                     bytes(signing_input), signing_input.size()) != 1) {
    return {};
  }
  out.resize(len);
  return alg == Algorithm::ES256 ? der_to_jose(out) : out;
}

}  // namespace bronpoort::authenticate
