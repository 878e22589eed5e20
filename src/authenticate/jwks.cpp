#include "jwks.hpp"

#include "openssl_handles.hpp"
#include "strict_json.hpp"

#include <bronpoort/authenticate/base64url.hpp>

#include <openssl/core_names.h>

#include <fstream>
#include <set>
#include <sstream>

namespace bronpoort::authenticate {
namespace {

using nlohmann::json;

constexpr int kMinRsaBits = 2048;
constexpr std::size_t kMaxJwksBytes = 1 << 20;

// Collects errors for one key, each under that key's pointer.
struct KeyErrors {
  const std::string& file;
  std::string pointer;
  ConfigErrors& out;
  void add(const std::string& member, std::string reason) {
    out.push_back({file, pointer + (member.empty() ? "" : "/" + member), std::move(reason)});
  }
};

std::optional<std::string> decoded_member(const json& jwk, const char* name, KeyErrors& errors) {
  auto it = jwk.find(name);
  if (it == jwk.end() || !it->is_string()) {
    errors.add(name, "is required and must be a base64url string");
    return std::nullopt;
  }
  auto bytes = base64url_decode(it->get_ref<const std::string&>());
  if (!bytes || bytes->empty()) errors.add(name, "is not valid unpadded base64url");
  return bytes;
}

OpenSslPtr<BIGNUM> to_bignum(const std::string& bytes) {
  return OpenSslPtr<BIGNUM>(BN_bin2bn(reinterpret_cast<const unsigned char*>(bytes.data()),
                                      static_cast<int>(bytes.size()), nullptr));
}

OpenSslPtr<EVP_PKEY> key_from_params(const char* type, const OSSL_PARAM* params) {
  OpenSslPtr<EVP_PKEY_CTX> ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  EVP_PKEY* key = nullptr;
  if (!ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &key, EVP_PKEY_PUBLIC_KEY, const_cast<OSSL_PARAM*>(params)) !=
          1) {
    return nullptr;
  }
  return OpenSslPtr<EVP_PKEY>(key);
}

OpenSslPtr<EVP_PKEY> rsa_key(const json& jwk, KeyErrors& errors) {
  auto n = decoded_member(jwk, "n", errors);
  auto e = decoded_member(jwk, "e", errors);
  if (!n || !e || n->empty() || e->empty()) return nullptr;
  auto bn_n = to_bignum(*n);
  auto bn_e = to_bignum(*e);
  if (!bn_n || !bn_e) return nullptr;
  if (BN_num_bits(bn_n.get()) < kMinRsaBits) {
    errors.add("n", "RSA modulus has fewer than " + std::to_string(kMinRsaBits) + " bits");
    return nullptr;
  }
  if (!BN_is_odd(bn_e.get()) || BN_num_bits(bn_e.get()) < 2 || BN_num_bits(bn_e.get()) > 64) {
    errors.add("e", "RSA public exponent must be an odd number of at least 3");
    return nullptr;
  }
  OpenSslPtr<OSSL_PARAM_BLD> bld(OSSL_PARAM_BLD_new());
  if (!bld || OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, bn_n.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, bn_e.get()) != 1) {
    return nullptr;
  }
  OpenSslPtr<OSSL_PARAM> params(OSSL_PARAM_BLD_to_param(bld.get()));
  auto key = params ? key_from_params("RSA", params.get()) : nullptr;
  if (!key) errors.add("", "OpenSSL refused this RSA public key");
  return key;
}

OpenSslPtr<EVP_PKEY> ec_p256_key(const json& jwk, KeyErrors& errors) {
  auto crv = jwk.find("crv");
  if (crv == jwk.end() || *crv != "P-256") {
    errors.add("crv", "must be \"P-256\" (the only curve for ES256)");
    return nullptr;
  }
  auto x = decoded_member(jwk, "x", errors);
  auto y = decoded_member(jwk, "y", errors);
  if (!x || !y) return nullptr;
  if (x->size() != 32 || y->size() != 32) {
    errors.add("", "P-256 coordinates x and y must each be exactly 32 bytes");
    return nullptr;
  }
  std::string point = "\x04" + *x + *y;  // uncompressed SEC1 point
  char group[] = "prime256v1";
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, group, 0),
      OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size()),
      OSSL_PARAM_construct_end()};
  auto key = key_from_params("EC", params);
  // A point off the curve would allow invalid-curve attacks; OpenSSL checks it here.
  OpenSslPtr<EVP_PKEY_CTX> check(key ? EVP_PKEY_CTX_new_from_pkey(nullptr, key.get(), nullptr)
                                     : nullptr);
  if (!key || !check || EVP_PKEY_public_check(check.get()) != 1) {
    errors.add("", "is not a valid point on P-256");
    return nullptr;
  }
  return key;
}

OpenSslPtr<EVP_PKEY> ed25519_key(const json& jwk, KeyErrors& errors) {
  auto crv = jwk.find("crv");
  if (crv == jwk.end() || *crv != "Ed25519") {
    errors.add("crv", "must be \"Ed25519\" (the only OKP curve for EdDSA)");
    return nullptr;
  }
  auto x = decoded_member(jwk, "x", errors);
  if (!x) return nullptr;
  if (x->size() != 32) {
    errors.add("x", "an Ed25519 public key is exactly 32 bytes");
    return nullptr;
  }
  OpenSslPtr<EVP_PKEY> key(EVP_PKEY_new_raw_public_key(
      EVP_PKEY_ED25519, nullptr, reinterpret_cast<const unsigned char*>(x->data()), x->size()));
  if (!key) errors.add("x", "OpenSSL refused this Ed25519 public key");
  return key;
}

// Checks the members that restrict what a key may be used for.
void check_usage(const json& jwk, Algorithm alg, KeyErrors& errors) {
  for (const char* secret : {"d", "p", "q", "dp", "dq", "qi", "oth", "k"}) {
    if (jwk.contains(secret)) {
      errors.add(secret, "is private key material; a JWKS for verification holds public keys only");
    }
  }
  if (auto use = jwk.find("use"); use != jwk.end() && *use != "sig") {
    errors.add("use", "must be \"sig\" for a token-signing key");
  }
  if (auto ops = jwk.find("key_ops"); ops != jwk.end()) {
    if (!ops->is_array() || std::find(ops->begin(), ops->end(), "verify") == ops->end()) {
      errors.add("key_ops", "must be an array containing \"verify\"");
    }
  }
  if (auto a = jwk.find("alg"); a != jwk.end() && *a != algorithm_name(alg)) {
    errors.add("alg", std::string("must be \"") + algorithm_name(alg) + "\" for this key type");
  }
}

}  // namespace

JwksLoad parse_jwks(const json& jwks, const std::string& file) {
  JwksLoad out;
  auto keys = jwks.is_object() ? jwks.find("keys") : jwks.end();
  if (!jwks.is_object() || keys == jwks.end() || !keys->is_array() || keys->empty()) {
    out.errors.push_back(
        {file, "/keys", "a JWKS must be an object with a non-empty \"keys\" array"});
    return out;
  }
  std::set<std::string, std::less<>> kids;
  for (std::size_t i = 0; i < keys->size(); ++i) {
    const json& jwk = (*keys)[i];
    KeyErrors errors{file, "/keys/" + std::to_string(i), out.errors};
    const std::size_t before = out.errors.size();
    if (!jwk.is_object()) {
      errors.add("", "must be a JWK object");
      continue;
    }
    auto kid = jwk.find("kid");
    if (kid == jwk.end() || !kid->is_string() || kid->get_ref<const std::string&>().empty()) {
      errors.add("kid", "is required: tokens select their key by kid");
    } else if (!kids.insert(kid->get<std::string>()).second) {
      errors.add("kid", "occurs twice in this JWKS; each key needs its own kid");
    }
    auto kty = jwk.find("kty");
    OpenSslPtr<EVP_PKEY> key;
    Algorithm alg = Algorithm::EdDSA;
    if (kty != jwk.end() && *kty == "RSA") {
      alg = Algorithm::RS256;
      check_usage(jwk, alg, errors);
      if (out.errors.size() == before) key = rsa_key(jwk, errors);
    } else if (kty != jwk.end() && *kty == "EC") {
      alg = Algorithm::ES256;
      check_usage(jwk, alg, errors);
      if (out.errors.size() == before) key = ec_p256_key(jwk, errors);
    } else if (kty != jwk.end() && *kty == "OKP") {
      alg = Algorithm::EdDSA;
      check_usage(jwk, alg, errors);
      if (out.errors.size() == before) key = ed25519_key(jwk, errors);
    } else {
      errors.add("kty", "must be \"RSA\", \"EC\" or \"OKP\" (symmetric \"oct\" keys are refused)");
    }
    if (key && out.errors.size() == before) {
      out.keys.push_back({kid->get<std::string>(), alg, share_key(std::move(key))});
    }
  }
  return out;
}

JwksLoad load_jwks_file(const std::filesystem::path& path, const std::string& file) {
  JwksLoad out;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    out.errors.push_back({file, "", "cannot be read"});
    return out;
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (text.str().size() > kMaxJwksBytes) {
    out.errors.push_back({file, "", "is larger than 1 MiB; is this really a JWKS?"});
    return out;
  }
  auto parsed = parse_strict_json(text.str(), 16);
  if (!parsed.ok()) {
    out.errors.push_back({file, "", parsed.error});
    return out;
  }
  return parse_jwks(parsed.value, file);
}

}  // namespace bronpoort::authenticate
