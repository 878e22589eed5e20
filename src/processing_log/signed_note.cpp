// C2SP signed-note, tlog-checkpoint and tlog-cosignature (v1) with Ed25519 through OpenSSL.

#include "ed25519_pem.hpp"
#include "encoding.hpp"
#include "file_bytes.hpp"

#include <bronpoort/processing_log/signed_note.hpp>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <charconv>

namespace bronpoort::processing_log {
namespace {

constexpr std::string_view kDash = "\xE2\x80\x94 ";  // U+2014 and a space start a signature line
constexpr unsigned char kEd25519 = 0x01;
constexpr unsigned char kCosignatureV1 = 0x04;

EVP_PKEY* as_key(void* p) {
  return static_cast<EVP_PKEY*>(p);
}

std::string raw_public_key(EVP_PKEY* key) {
  std::string raw(32, '\0');
  std::size_t len = raw.size();
  EVP_PKEY_get_raw_public_key(key, reinterpret_cast<unsigned char*>(raw.data()), &len);
  raw.resize(len);
  return raw;
}

// The first four bytes of SHA-256(name || "\n" || type || public key), big-endian.
std::uint32_t key_hash(const std::string& name, unsigned char type, const std::string& pub) {
  std::string input = name + "\n" + static_cast<char>(type) + pub;
  unsigned char digest[32];
  unsigned int size = 0;
  EVP_Digest(input.data(), input.size(), digest, &size, EVP_sha256(), nullptr);
  return std::uint32_t{digest[0]} << 24 | std::uint32_t{digest[1]} << 16 |
         std::uint32_t{digest[2]} << 8 | digest[3];
}

std::string cosigned_message(const std::string& text, std::uint64_t unix_seconds) {
  return "cosignature/v1\ntime " + std::to_string(unix_seconds) + "\n" + text;
}

std::string ed25519_sign(EVP_PKEY* key, const std::string& message) {
  unsigned char sig[64];
  std::size_t len = sizeof sig;
  EVP_MD_CTX* md = EVP_MD_CTX_new();
  bool ok = md && EVP_DigestSignInit(md, nullptr, nullptr, nullptr, key) == 1 &&
            EVP_DigestSign(md, sig, &len, reinterpret_cast<const unsigned char*>(message.data()),
                           message.size()) == 1;
  EVP_MD_CTX_free(md);
  return ok ? std::string(reinterpret_cast<char*>(sig), len) : std::string();
}

bool ed25519_verify(EVP_PKEY* key, const std::string& message, std::string_view sig) {
  if (sig.size() != 64) return false;
  EVP_MD_CTX* md = EVP_MD_CTX_new();
  bool ok =
      md && EVP_DigestVerifyInit(md, nullptr, nullptr, nullptr, key) == 1 &&
      EVP_DigestVerify(md, reinterpret_cast<const unsigned char*>(sig.data()), sig.size(),
                       reinterpret_cast<const unsigned char*>(message.data()), message.size()) == 1;
  EVP_MD_CTX_free(md);
  return ok;
}

bool valid_name(std::string_view name) {
  if (name.empty()) return false;
  for (unsigned char c : name) {
    if (c <= 0x20 || c == '+') return false;
  }
  return true;
}

}  // namespace

std::string SignedNote::to_string() const {
  std::string out = text + "\n";
  for (const auto& s : signatures) {
    std::string blob(4, '\0');
    for (int i = 0; i < 4; ++i) blob[i] = static_cast<char>(s.key_hash >> (24 - 8 * i));
    out += std::string(kDash) + s.name + " " + encoding::base64(blob + s.signature) + "\n";
  }
  return out;
}

std::optional<SignedNote> SignedNote::parse(std::string_view note) {
  auto split = note.rfind("\n\n");
  if (split == std::string_view::npos || note.empty() || note.back() != '\n') return std::nullopt;
  SignedNote out;
  out.text = std::string(note.substr(0, split + 1));
  std::string_view rest = note.substr(split + 2);
  while (!rest.empty()) {
    auto eol = rest.find('\n');
    if (eol == std::string_view::npos) return std::nullopt;
    std::string_view line = rest.substr(0, eol);
    rest.remove_prefix(eol + 1);
    if (line.substr(0, kDash.size()) != kDash) return std::nullopt;
    line.remove_prefix(kDash.size());
    auto space = line.find(' ');
    if (space == std::string_view::npos) return std::nullopt;
    NoteSignature sig;
    sig.name = std::string(line.substr(0, space));
    auto blob = encoding::unbase64(line.substr(space + 1));
    if (!valid_name(sig.name) || !blob || blob->size() < 5) return std::nullopt;
    for (int i = 0; i < 4; ++i) {
      sig.key_hash = sig.key_hash << 8 | static_cast<unsigned char>((*blob)[i]);
    }
    sig.signature = blob->substr(4);
    out.signatures.push_back(std::move(sig));
  }
  if (out.signatures.empty()) return std::nullopt;
  return out;
}

std::string TreeCheckpoint::text() const {
  return origin + "\n" + std::to_string(size) + "\n" + merkle::to_base64(root) + "\n";
}

std::optional<TreeCheckpoint> TreeCheckpoint::parse(std::string_view text) {
  std::string_view lines[3];
  for (auto& line : lines) {
    auto eol = text.find('\n');
    if (eol == std::string_view::npos) return std::nullopt;
    line = text.substr(0, eol);
    text.remove_prefix(eol + 1);
  }
  // Extension lines may follow; this log writes none and ignores them.
  TreeCheckpoint out;
  out.origin = std::string(lines[0]);
  auto size = lines[1];
  if (out.origin.empty() || size.empty() || (size.size() > 1 && size[0] == '0')) {
    return std::nullopt;
  }
  auto [p, ec] = std::from_chars(size.data(), size.data() + size.size(), out.size);
  if (ec != std::errc() || p != size.data() + size.size()) return std::nullopt;
  auto root = merkle::from_base64(lines[2]);
  if (!root) return std::nullopt;
  out.root = *root;
  return out;
}

std::unique_ptr<NoteSigner> NoteSigner::from_pem_file(const std::filesystem::path& path,
                                                      std::string name, std::string& error) {
  std::string pem;
  if (!read_file(path, pem)) {
    error = "cannot read key file " + path.string();
    return nullptr;
  }
  if (!valid_name(name)) {
    error = "key name '" + name + "' must be non-empty without spaces or '+'";
    return nullptr;
  }
  EVP_PKEY* key = read_ed25519_private_pem(pem);
  if (!key) {
    error = path.string() + " is not an Ed25519 private key in PEM";
    return nullptr;
  }
  return std::unique_ptr<NoteSigner>(new NoteSigner(key, std::move(name)));
}

NoteSigner::~NoteSigner() {
  EVP_PKEY_free(as_key(key_));
}

NoteSignature NoteSigner::sign(const std::string& text) const {
  return {name_, key_hash(name_, kEd25519, raw_public_key(as_key(key_))),
          ed25519_sign(as_key(key_), text)};
}

NoteSignature NoteSigner::cosign(const std::string& text, std::uint64_t unix_seconds) const {
  std::string stamp(8, '\0');
  for (int i = 0; i < 8; ++i) stamp[i] = static_cast<char>(unix_seconds >> (56 - 8 * i));
  return {name_, key_hash(name_, kCosignatureV1, raw_public_key(as_key(key_))),
          stamp + ed25519_sign(as_key(key_), cosigned_message(text, unix_seconds))};
}

std::string NoteSigner::public_key_pem() const {
  return processing_log::public_key_pem(as_key(key_));
}

NoteVerifier::NoteVerifier(void* key, std::string name) : key_(key), name_(std::move(name)) {
  std::string pub = raw_public_key(as_key(key_));
  key_hash_ = key_hash(name_, kEd25519, pub);
  cosign_key_hash_ = key_hash(name_, kCosignatureV1, pub);
}

std::unique_ptr<NoteVerifier> NoteVerifier::from_pem(const std::string& pem, std::string name,
                                                     std::string& error) {
  if (!valid_name(name)) {
    error = "key name '" + name + "' must be non-empty without spaces or '+'";
    return nullptr;
  }
  EVP_PKEY* key = read_ed25519_public_pem(pem);
  if (!key) {
    error = "not an Ed25519 public key in PEM";
    return nullptr;
  }
  return std::unique_ptr<NoteVerifier>(new NoteVerifier(key, std::move(name)));
}

std::unique_ptr<NoteVerifier> NoteVerifier::from_pem_file(const std::filesystem::path& path,
                                                          std::string name, std::string& error) {
  std::string pem;
  if (!read_file(path, pem)) {
    error = "cannot read public key file " + path.string();
    return nullptr;
  }
  auto v = from_pem(pem, std::move(name), error);
  if (!v) error = path.string() + ": " + error;
  return v;
}

NoteVerifier::~NoteVerifier() {
  EVP_PKEY_free(as_key(key_));
}

bool NoteVerifier::verify(const SignedNote& note) const {
  for (const auto& s : note.signatures) {
    if (s.name == name_ && s.key_hash == key_hash_ &&
        ed25519_verify(as_key(key_), note.text, s.signature)) {
      return true;
    }
  }
  return false;
}

std::optional<std::uint64_t> NoteVerifier::verify_cosignature(const SignedNote& note) const {
  for (const auto& s : note.signatures) {
    if (s.name != name_ || s.key_hash != cosign_key_hash_ || s.signature.size() != 72) continue;
    std::uint64_t t = 0;
    for (int i = 0; i < 8; ++i) t = t << 8 | static_cast<unsigned char>(s.signature[i]);
    if (ed25519_verify(as_key(key_), cosigned_message(note.text, t),
                       std::string_view(s.signature).substr(8))) {
      return t;
    }
  }
  return std::nullopt;
}

}  // namespace bronpoort::processing_log
