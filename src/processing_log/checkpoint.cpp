#include <bronpoort/processing_log/checkpoint.hpp>

#include "ed25519_pem.hpp"
#include "file_bytes.hpp"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <vector>

namespace bronpoort::processing_log {
namespace {

std::string base64(const unsigned char* data, std::size_t size) {
  std::string out(4 * ((size + 2) / 3) + 1, '\0');
  int n =
      EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data, static_cast<int>(size));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

bool unbase64(const std::string& text, std::vector<unsigned char>& out) {
  if (text.empty() || text.size() % 4 != 0) return false;
  out.assign(text.size() / 4 * 3 + 1, 0);
  int n = EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(text.data()),
                          static_cast<int>(text.size()));
  if (n < 0) return false;
  std::size_t pad = 0;
  if (text.back() == '=') ++pad;
  if (text.size() > 1 && text[text.size() - 2] == '=') ++pad;
  out.resize(static_cast<std::size_t>(n) - pad);
  return true;
}

EVP_PKEY* as_key(void* p) {
  return static_cast<EVP_PKEY*>(p);
}

}  // namespace

std::string Checkpoint::signed_message() const {
  return "bronpoort-log-checkpoint-v1\n" + chain_id + "\n" + std::to_string(seq) + "\n" +
         head_hash + "\n" + std::to_string(signed_at_us) + "\n" + key_id;
}

std::unique_ptr<CheckpointSigner> CheckpointSigner::from_pem_file(const std::filesystem::path& path,
                                                                  std::string key_id,
                                                                  std::string& error) {
  std::string pem;
  if (!read_file(path, pem)) {
    error = "cannot read checkpoint key file " + path.string();
    return nullptr;
  }
  EVP_PKEY* key = read_ed25519_private_pem(pem);
  if (!key) {
    error = "checkpoint key " + path.string() + " is not an Ed25519 private key in PEM";
    return nullptr;
  }
  return std::unique_ptr<CheckpointSigner>(new CheckpointSigner(key, std::move(key_id)));
}

CheckpointSigner::~CheckpointSigner() {
  EVP_PKEY_free(as_key(key_));
}

void CheckpointSigner::sign(Checkpoint& checkpoint) const {
  checkpoint.key_id = key_id_;
  std::string message = checkpoint.signed_message();
  unsigned char sig[64];
  std::size_t sig_len = sizeof sig;
  EVP_MD_CTX* md = EVP_MD_CTX_new();
  bool ok =
      md && EVP_DigestSignInit(md, nullptr, nullptr, nullptr, as_key(key_)) == 1 &&
      EVP_DigestSign(md, sig, &sig_len, reinterpret_cast<const unsigned char*>(message.data()),
                     message.size()) == 1;
  EVP_MD_CTX_free(md);
  checkpoint.signature = ok ? base64(sig, sig_len) : std::string();
}

std::string CheckpointSigner::public_key_pem() const {
  return processing_log::public_key_pem(as_key(key_));
}

std::unique_ptr<CheckpointVerifier> CheckpointVerifier::from_pem(const std::string& pem,
                                                                 std::string& error) {
  EVP_PKEY* key = read_ed25519_public_pem(pem);
  if (!key) {
    error = "not an Ed25519 public key in PEM";
    return nullptr;
  }
  return std::unique_ptr<CheckpointVerifier>(new CheckpointVerifier(key));
}

std::unique_ptr<CheckpointVerifier> CheckpointVerifier::from_pem_file(
    const std::filesystem::path& path, std::string& error) {
  std::string pem;
  if (!read_file(path, pem)) {
    error = "cannot read checkpoint public key file " + path.string();
    return nullptr;
  }
  auto v = from_pem(pem, error);
  if (!v) error = "checkpoint public key " + path.string() + ": " + error;
  return v;
}

CheckpointVerifier::~CheckpointVerifier() {
  EVP_PKEY_free(as_key(key_));
}

bool CheckpointVerifier::verify(const Checkpoint& checkpoint) const {
  std::vector<unsigned char> sig;
  if (!unbase64(checkpoint.signature, sig) || sig.size() != 64) return false;
  std::string message = checkpoint.signed_message();
  EVP_MD_CTX* md = EVP_MD_CTX_new();
  bool ok =
      md && EVP_DigestVerifyInit(md, nullptr, nullptr, nullptr, as_key(key_)) == 1 &&
      EVP_DigestVerify(md, sig.data(), sig.size(),
                       reinterpret_cast<const unsigned char*>(message.data()), message.size()) == 1;
  EVP_MD_CTX_free(md);
  return ok;
}

}  // namespace bronpoort::processing_log
