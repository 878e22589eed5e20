#pragma once
// Signed checkpoints over a chain head. An auditor who keeps copies (a witness) can later prove
// that records up to the checkpoint existed, so truncating the log after it is detected.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

namespace bronpoort::processing_log {

struct Checkpoint {
  std::string chain_id;
  std::int64_t seq = 0;
  std::string head_hash;  // hash of record `seq`
  std::int64_t signed_at_us = 0;
  std::string key_id;     // which checkpoint key signed it
  std::string signature;  // base64 Ed25519 signature over signed_message()

  // The exact bytes signed: domain-separated so a signature cannot be replayed elsewhere.
  std::string signed_message() const;
};

// Signs checkpoints with an Ed25519 private key (OpenSSL EVP). Thread-safe after construction.
class CheckpointSigner {
 public:
  // Loads a PEM private key; nullopt with `error` set when the file is missing or not Ed25519.
  static std::unique_ptr<CheckpointSigner> from_pem_file(const std::filesystem::path& path,
                                                         std::string key_id, std::string& error);
  ~CheckpointSigner();
  void sign(Checkpoint& checkpoint) const;
  const std::string& key_id() const { return key_id_; }
  // The matching public key as PEM, so a verifier can be built from the signer alone.
  std::string public_key_pem() const;

 private:
  CheckpointSigner(void* key, std::string key_id) : key_(key), key_id_(std::move(key_id)) {}
  void* key_;  // EVP_PKEY*
  std::string key_id_;
};

// Checks checkpoint signatures with an Ed25519 public key.
class CheckpointVerifier {
 public:
  static std::unique_ptr<CheckpointVerifier> from_pem(const std::string& pem, std::string& error);
  static std::unique_ptr<CheckpointVerifier> from_pem_file(const std::filesystem::path& path,
                                                           std::string& error);
  ~CheckpointVerifier();
  bool verify(const Checkpoint& checkpoint) const;

 private:
  explicit CheckpointVerifier(void* key) : key_(key) {}
  void* key_;  // EVP_PKEY*
};

}  // namespace bronpoort::processing_log
