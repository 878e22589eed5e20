#include "ed25519_pem.hpp"

#include <openssl/bio.h>
#include <openssl/pem.h>

namespace bronpoort::processing_log {
namespace {

EVP_PKEY* only_ed25519(EVP_PKEY* key) {
  if (key && EVP_PKEY_get_base_id(key) == EVP_PKEY_ED25519) return key;
  EVP_PKEY_free(key);
  return nullptr;
}

}  // namespace

EVP_PKEY* read_ed25519_private_pem(const std::string& pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  EVP_PKEY* key = PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  return only_ed25519(key);
}

EVP_PKEY* read_ed25519_public_pem(const std::string& pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  EVP_PKEY* key = PEM_read_bio_PUBKEY(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  return only_ed25519(key);
}

std::string public_key_pem(EVP_PKEY* key) {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PUBKEY(bio, key);
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  std::string pem(data, static_cast<std::size_t>(n));
  BIO_free(bio);
  return pem;
}

}  // namespace bronpoort::processing_log
