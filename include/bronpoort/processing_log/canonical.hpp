#pragma once
// The canonical bytes of a record, split around the three members only the chain's writer knows
// (chainId, loggedAt, seq). Serialising a record is most of the work of linking it; split this
// way, it runs on the thread that hands the record over, and the writer — the one thread every
// request waits for — only splices in its three values and hashes.

#include <bronpoort/processing_log/record.hpp>

#include <array>
#include <cstdint>
#include <string>

namespace bronpoort::processing_log {

class CanonicalTemplate {
 public:
  CanonicalTemplate() = default;
  // Serialises every member of `record` except chainId, loggedAt and seq (and the hashes).
  explicit CanonicalTemplate(const LogRecord& record);

  // Exactly LogRecord::canonical_bytes() of the record with these three values; appended to
  // `out` (cleared first) so that a caller can reuse one buffer.
  void render(std::string& out, const std::string& chain_id, std::int64_t logged_at_us,
              std::int64_t seq) const;

 private:
  // Members that sort between chainId and loggedAt, between loggedAt and seq, and after seq,
  // each as "key":value pairs joined by commas (never empty).
  std::string before_logged_at_;
  std::string before_seq_;
  std::string after_seq_;
};

// Links records one after another: keeps the head hash as raw bytes and one digest context, so
// that linking a record costs one SHA-256 and no parsing. Used by the writer thread only.
class ChainLinker {
 public:
  ChainLinker(std::int64_t head_seq, const std::string& head_hash_hex);
  ~ChainLinker();
  ChainLinker(const ChainLinker&) = delete;
  ChainLinker& operator=(const ChainLinker&) = delete;

  // Fills seq, prev_hash and hash of `record` (whose chain_id and logged_at_us are set) from its
  // template, and makes it the head.
  void link(LogRecord& record, const CanonicalTemplate& tmpl);

  std::int64_t head_seq() const { return seq_; }
  // The canonical bytes of the record linked last (the Merkle tree's leaf data).
  const std::string& canonical() const { return scratch_; }
  const std::string& head_hash() const { return hash_hex_; }

 private:
  std::int64_t seq_;
  std::string hash_hex_;
  std::array<unsigned char, 32> hash_{};
  std::string scratch_;
  struct Digest;
  Digest* digest_;
};

}  // namespace bronpoort::processing_log
