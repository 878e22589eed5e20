#pragma once
// Signed notes and checkpoints in the text formats that transparency-log witnesses use (C2SP
// signed-note, tlog-checkpoint, tlog-cosignature): a checkpoint is the text
//
//   <origin>\n<tree size>\n<base64 root hash>\n
//
// followed by a blank line and one line per signature, "— <key name> <base64(key hash ||
// signature)>". The log signs with Ed25519 (key hash from type 0x01); a witness adds a
// cosignature/v1 line (type 0x04) over "cosignature/v1\ntime <unix seconds>\n" + the checkpoint
// text, so a reader can tell when it saw the tree. Anyone with the public keys can check a note
// with openssl or any signed-note implementation; docs/verifiable-log.md shows how.

#include <bronpoort/processing_log/merkle.hpp>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bronpoort::processing_log {

struct NoteSignature {
  std::string name;
  std::uint32_t key_hash = 0;
  std::string signature;  // raw bytes after the key hash (cosignatures: timestamp || signature)
};

struct SignedNote {
  std::string text;  // ends with a newline
  std::vector<NoteSignature> signatures;

  std::string to_string() const;
  static std::optional<SignedNote> parse(std::string_view note);
};

struct TreeCheckpoint {
  std::string origin;
  std::uint64_t size = 0;
  merkle::Hash root{};

  std::string text() const;
  static std::optional<TreeCheckpoint> parse(std::string_view text);
};

// An Ed25519 key that signs notes as `name` (the log) or cosigns checkpoints (a witness).
class NoteSigner {
 public:
  static std::unique_ptr<NoteSigner> from_pem_file(const std::filesystem::path& path,
                                                   std::string name, std::string& error);
  ~NoteSigner();
  NoteSigner(const NoteSigner&) = delete;
  NoteSigner& operator=(const NoteSigner&) = delete;

  // A signature line over `text` for the log's own signature.
  NoteSignature sign(const std::string& text) const;
  // A cosignature/v1 line over the checkpoint `text`, made at `unix_seconds`.
  NoteSignature cosign(const std::string& text, std::uint64_t unix_seconds) const;
  const std::string& name() const { return name_; }
  std::string public_key_pem() const;

 private:
  NoteSigner(void* key, std::string name) : key_(key), name_(std::move(name)) {}
  void* key_;  // EVP_PKEY*
  std::string name_;
};

// Checks the signature lines of one key (by name and key hash) on a note.
class NoteVerifier {
 public:
  static std::unique_ptr<NoteVerifier> from_pem(const std::string& pem, std::string name,
                                                std::string& error);
  static std::unique_ptr<NoteVerifier> from_pem_file(const std::filesystem::path& path,
                                                     std::string name, std::string& error);
  ~NoteVerifier();
  NoteVerifier(const NoteVerifier&) = delete;
  NoteVerifier& operator=(const NoteVerifier&) = delete;

  // True when the note carries a valid log signature by this key.
  bool verify(const SignedNote& note) const;
  // The time of a valid cosignature/v1 by this key on the checkpoint note, if there is one.
  std::optional<std::uint64_t> verify_cosignature(const SignedNote& note) const;
  const std::string& name() const { return name_; }

 private:
  NoteVerifier(void* key, std::string name);
  void* key_;  // EVP_PKEY*
  std::string name_;
  std::uint32_t key_hash_ = 0;
  std::uint32_t cosign_key_hash_ = 0;
};

}  // namespace bronpoort::processing_log
