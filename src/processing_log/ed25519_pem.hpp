#pragma once
// Ed25519 keys in PEM, for the log's two signers (checkpoint.cpp and signed_note.cpp). Private to
// src/processing_log. The keys are OpenSSL's EVP_PKEY; the caller frees them with EVP_PKEY_free.

#include <openssl/evp.h>

#include <string>

namespace bronpoort::processing_log {

// The key in `pem`, or null when it is not an Ed25519 private (or public) key in PEM.
EVP_PKEY* read_ed25519_private_pem(const std::string& pem);
EVP_PKEY* read_ed25519_public_pem(const std::string& pem);

// The public half of `key` as a PEM SubjectPublicKeyInfo.
std::string public_key_pem(EVP_PKEY* key);

}  // namespace bronpoort::processing_log
