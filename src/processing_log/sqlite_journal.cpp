// The journal's frames: encoding, decoding and scanning them (sqlite_journal.hpp).
#include "sqlite_journal.hpp"

#include "sql_shape.hpp"

#include <openssl/evp.h>

#include <cstring>

namespace bronpoort::processing_log::journal {
namespace {

constexpr char kInt = 'i';
constexpr char kText = 's';

void put_u32(std::string& out, std::uint32_t n) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((n >> (8 * i)) & 0xff));
}

void put_int(std::string& out, std::int64_t value) {
  auto n = static_cast<std::uint64_t>(value);
  out.push_back(kInt);
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((n >> (8 * i)) & 0xff));
}

void put_text(std::string& out, std::string_view s) {
  out.push_back(kText);
  put_u32(out, static_cast<std::uint32_t>(s.size()));
  out.append(s);
}

std::uint32_t get_u32(std::string_view bytes, std::size_t at) {
  std::uint32_t n = 0;
  for (int i = 0; i < 4; ++i)
    n |= static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at + i])) << (8 * i);
  return n;
}

// Reads a payload front to back; any read past its end is a malformed frame.
class Reader {
 public:
  explicit Reader(std::string_view bytes) : bytes_(bytes) {}

  std::uint32_t count() {
    need(4);
    auto n = get_u32(bytes_, at_);
    at_ += 4;
    return n;
  }
  Column column() {
    need(1);
    char tag = bytes_[at_++];
    Column c;
    if (tag == kInt) {
      need(8);
      std::uint64_t n = 0;
      for (int i = 0; i < 8; ++i)
        n |= static_cast<std::uint64_t>(static_cast<unsigned char>(bytes_[at_ + i])) << (8 * i);
      at_ += 8;
      c.is_int = true;
      c.integer = static_cast<std::int64_t>(n);
    } else if (tag == kText) {
      std::uint32_t size = count();
      need(size);
      c.text = bytes_.substr(at_, size);
      at_ += size;
    } else {
      throw StoreError("log journal: malformed frame (unknown value tag)");
    }
    return c;
  }
  std::int64_t integer() {
    Column c = column();
    if (!c.is_int) throw StoreError("log journal: malformed frame (text where a number belongs)");
    return c.integer;
  }
  std::string text() {
    Column c = column();
    if (c.is_int) throw StoreError("log journal: malformed frame (number where a text belongs)");
    return std::string(c.text);
  }
  bool done() const { return at_ == bytes_.size(); }

 private:
  void need(std::size_t n) const {
    if (bytes_.size() - at_ < n) throw StoreError("log journal: malformed frame (truncated)");
  }
  std::string_view bytes_;
  std::size_t at_ = 0;
};

struct ColumnSink {
  std::string& out;
  void integer(std::int64_t n) { put_int(out, n); }
  void text(const std::string& s, bool) { put_text(out, s); }
};

bool checksum_matches(std::string_view bytes, std::size_t at, std::size_t size) {
  auto sum = sha256(bytes.substr(at + kFrameHeader, size));
  return std::memcmp(sum.data(), bytes.data() + at + 4, kFrameHeader - 4) == 0;
}

// Whether an intact frame starts anywhere after `from`. Only run on damage; offsets whose length
// or first value cannot be a frame's are skipped before any hashing.
bool intact_frame_after(std::string_view bytes, std::size_t from) {
  constexpr std::size_t kChainTag = 16;  // the payload's four counts, then the tree's chain id
  for (std::size_t at = from + 1; at + kFrameHeader + kChainTag < bytes.size(); ++at) {
    const std::size_t size = get_u32(bytes, at);
    if (size <= kChainTag || size > kMaxFrame || bytes.size() - at - kFrameHeader < size) continue;
    if (bytes[at + kFrameHeader + kChainTag] != kText) continue;
    if (checksum_matches(bytes, at, size)) return true;
  }
  return false;
}

}  // namespace

std::array<unsigned char, 32> sha256(std::string_view bytes) {
  std::array<unsigned char, 32> out{};
  unsigned int size = 0;
  EVP_Digest(bytes.data(), bytes.size(), out.data(), &size, EVP_sha256(), nullptr);
  return out;
}

std::string encode(const std::vector<LogRecord>& records,
                   const std::vector<Checkpoint>& checkpoints, const TreeAppend& tree) {
  std::string frame(kFrameHeader, '\0');
  frame.reserve(kFrameHeader + 16 + records.size() * 1024);
  put_u32(frame, static_cast<std::uint32_t>(records.size()));
  put_u32(frame, static_cast<std::uint32_t>(checkpoints.size()));
  put_u32(frame, static_cast<std::uint32_t>(tree.nodes.size()));
  put_u32(frame, static_cast<std::uint32_t>(tree.heads.size()));
  put_text(frame, tree.chain_id);
  ColumnSink sink{frame};
  for (const auto& r : records) sql::for_each_record_value(r, sink);
  for (const auto& c : checkpoints) {
    put_text(frame, c.chain_id);
    put_int(frame, c.seq);
    put_text(frame, c.head_hash);
    put_int(frame, c.signed_at_us);
    put_text(frame, c.key_id);
    put_text(frame, c.signature);
  }
  for (const auto& n : tree.nodes) {
    put_int(frame, n.id.level);
    put_int(frame, static_cast<std::int64_t>(n.id.index));
    put_text(frame, std::string_view(reinterpret_cast<const char*>(n.hash.data()), n.hash.size()));
  }
  for (const auto& h : tree.heads) {
    put_text(frame, h.chain_id);
    put_int(frame, h.tree_size);
    put_text(frame, h.root_hash);
    put_int(frame, h.signed_at_us);
    put_text(frame, h.note);
  }
  std::string_view payload(frame.data() + kFrameHeader, frame.size() - kFrameHeader);
  if (payload.size() > kMaxFrame) throw StoreError("log journal: batch too large for one frame");
  std::string header;
  put_u32(header, static_cast<std::uint32_t>(payload.size()));
  auto sum = sha256(payload);
  header.append(reinterpret_cast<const char*>(sum.data()), kFrameHeader - 4);
  frame.replace(0, kFrameHeader, header);
  return frame;
}

Frame decode(std::string_view payload) {
  Reader in(payload);
  Frame frame;
  const std::uint32_t records = in.count();
  const std::uint32_t checkpoints = in.count();
  const std::uint32_t nodes = in.count();
  const std::uint32_t heads = in.count();
  // Every value takes at least two bytes: counts beyond that are not a frame the writer made.
  if ((static_cast<std::uint64_t>(records) + checkpoints + nodes + heads) * 2 > payload.size()) {
    throw StoreError("log journal: malformed frame (counts beyond its size)");
  }
  frame.tree.chain_id = in.text();
  const std::size_t columns = sql::record_columns().size();
  frame.records.reserve(records);
  for (std::uint32_t i = 0; i < records; ++i) {
    RecordColumns row;
    row.reserve(columns);
    for (std::size_t c = 0; c < columns; ++c) row.push_back(in.column());
    frame.records.push_back(std::move(row));
  }
  for (std::uint32_t i = 0; i < checkpoints; ++i) {
    Checkpoint c;
    c.chain_id = in.text();
    c.seq = in.integer();
    c.head_hash = in.text();
    c.signed_at_us = in.integer();
    c.key_id = in.text();
    c.signature = in.text();
    frame.checkpoints.push_back(std::move(c));
  }
  for (std::uint32_t i = 0; i < nodes; ++i) {
    merkle::StoredNode n;
    n.id.level = static_cast<int>(in.integer());
    n.id.index = static_cast<std::uint64_t>(in.integer());
    std::string hash = in.text();
    if (hash.size() != n.hash.size()) throw StoreError("log journal: malformed frame (node hash)");
    std::memcpy(n.hash.data(), hash.data(), hash.size());
    frame.tree.nodes.push_back(n);
  }
  for (std::uint32_t i = 0; i < heads; ++i) {
    TreeHead h;
    h.chain_id = in.text();
    h.tree_size = in.integer();
    h.root_hash = in.text();
    h.signed_at_us = in.integer();
    h.note = in.text();
    frame.tree.heads.push_back(std::move(h));
  }
  if (!in.done()) throw StoreError("log journal: malformed frame (bytes after its values)");
  return frame;
}

Scan scan(std::string_view bytes, const std::string& name) {
  if (bytes.size() < kFileMagic.size() || bytes.substr(0, kFileMagic.size()) != kFileMagic) {
    // A file cut before its header was complete was never written to: treat it as empty.
    if (bytes.size() < kFileMagic.size() && kFileMagic.substr(0, bytes.size()) == bytes) {
      return {{}, 0};
    }
    throw StoreError("log journal " + name + ": not a journal file (wrong header)");
  }
  Scan out;
  std::size_t at = kFileMagic.size();
  // The sectors of the last write can reach the disk in any order, so a torn frame may show a
  // damaged header and some of its later bytes. It is torn when no intact frame follows it: one
  // that does was acknowledged, so the damage is not a crash's.
  auto torn_or_damaged = [&](const char* what) {
    if (!intact_frame_after(bytes, at)) return;
    throw StoreError("log journal " + name + ": damaged frame at offset " + std::to_string(at) +
                     " (" + what + ") with more frames after it; the file is kept as it is");
  };
  while (at < bytes.size()) {
    const std::size_t left = bytes.size() - at;
    if (left < kFrameHeader) break;  // torn inside the header
    const std::size_t size = get_u32(bytes, at);
    if (size == 0 || size > kMaxFrame) {
      torn_or_damaged("impossible length");
      break;
    }
    if (left - kFrameHeader < size) {
      torn_or_damaged("length past the end of the file");
      break;
    }
    std::string_view payload = bytes.substr(at + kFrameHeader, size);
    if (!checksum_matches(bytes, at, size)) {
      torn_or_damaged("checksum mismatch");
      break;
    }
    out.frames.push_back({at, at + kFrameHeader + size, payload});
    at += kFrameHeader + size;
  }
  out.valid_end = out.frames.empty() ? kFileMagic.size() : out.frames.back().end;
  return out;
}

}  // namespace bronpoort::processing_log::journal
