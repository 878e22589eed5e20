#pragma once
// The SQLite store's commit journal. A commit is one frame appended to a journal file and made
// durable with one fdatasync; the store's indexer thread copies the frames into the SQLite tables
// (and their indexes) later, many commits per transaction. A frame holds exactly what one
// append_with_tree() call was given: records, checkpoints and the tree's new nodes and heads.
//
// File: the header kFileMagic, then frames, then zeros: the file grows in steps of zeros written
// and synced ahead, so that a commit's fdatasync writes data blocks only and no file-system
// metadata. Frame: payload length (u32 LE), the first 8 bytes of SHA-256 over the payload, the
// payload. A crash can tear only the frame being written; scan() tells that torn tail (never
// acknowledged to anyone) from damage further back, which it refuses.
// Private to src/processing_log.

#include <bronpoort/processing_log/log_store.hpp>

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace bronpoort::processing_log::journal {

inline constexpr std::string_view kFileMagic = "BRONPOORT-LOG-JOURNAL-1\n";
inline constexpr std::size_t kFrameHeader = 12;
// Far above any batch the writer makes (max_batch_records × the largest storable record).
inline constexpr std::size_t kMaxFrame = 64u << 20;
// How far ahead of the frames the file is filled with zeros.
inline constexpr std::size_t kGrowBytes = 8u << 20;

// One column of a record as the frame holds it: an integer or a text viewed in the frame's bytes.
struct Column {
  bool is_int = false;
  std::int64_t integer = 0;
  std::string_view text;
};

// A record's columns in sql::record_columns() order.
using RecordColumns = std::vector<Column>;

// A decoded frame. Record texts view the bytes it was decoded from.
struct Frame {
  std::vector<RecordColumns> records;
  std::vector<Checkpoint> checkpoints;
  TreeAppend tree;
};

// SHA-256 of `bytes`: a frame's checksum (its first 8 bytes) and a chain lock's file name.
std::array<unsigned char, 32> sha256(std::string_view bytes);

// The whole frame (header and payload) for one append.
std::string encode(const std::vector<LogRecord>& records,
                   const std::vector<Checkpoint>& checkpoints, const TreeAppend& tree);

// Decodes a frame's payload; throws StoreError when it is malformed.
Frame decode(std::string_view payload);

struct ScannedFrame {
  std::size_t offset = 0;  // of the frame header in the file
  std::size_t end = 0;     // just past the frame
  std::string_view payload;
};

struct Scan {
  std::vector<ScannedFrame> frames;
  std::size_t valid_end = 0;  // where the intact frames end; the rest is a torn tail
};

// Reads the frames of a journal file's bytes. A damaged frame with no intact frame after it ends
// them (a write torn by a crash); one with an intact frame after it, or a wrong header, throws
// StoreError naming `name` and the offset.
Scan scan(std::string_view bytes, const std::string& name);

}  // namespace bronpoort::processing_log::journal

#include <atomic>
#include <filesystem>
#include <memory>
#include <mutex>

namespace bronpoort::processing_log::journal {

// One journal file, held under an exclusive flock for as long as it is open: a file nobody holds
// belongs to a process that ended, and the next store to open the database replays it.
class JournalFile {
 public:
  // A new, empty journal beside `db`, named "<db>.journal-<instance>-<generation>". It is created
  // under a temporary name, locked, synced and only then renamed, so another process's recovery
  // never takes it for a dead one's. With `direct`, it writes directly where it can.
  static std::unique_ptr<JournalFile> create(const std::filesystem::path& db,
                                             const std::string& instance, int generation,
                                             bool direct = true);
  // An existing journal that no live process holds; nullptr when one does.
  static std::unique_ptr<JournalFile> adopt(const std::filesystem::path& path);
  // The journals beside `db`, in the order they were written (instance, then generation).
  static std::vector<std::filesystem::path> beside(const std::filesystem::path& db);

  ~JournalFile();
  JournalFile(const JournalFile&) = delete;
  JournalFile& operator=(const JournalFile&) = delete;

  // Appends `frame` at the end. Throws StoreError when it cannot; the file is then cut back to
  // where it was (or, when even that fails, takes no more frames).
  void write(std::string_view frame);
  // From here on write() bypasses the page cache (O_DIRECT): it writes whole 4 KiB blocks, the
  // file's last partial block again with the new frame after it, and the zeros ahead pad the
  // rest. The kernel then copies nothing and starts no writeback of its own; sync() only flushes
  // the disk's cache. False (and nothing changes) where the file system refuses O_DIRECT; one
  // that opens with it but refuses a write (EINVAL) gets that write and the rest buffered.
  bool write_directly();
  bool direct() const { return direct_fd_ >= 0; }
  // Makes what was written durable (fdatasync). Throws StoreError when it cannot: what was written
  // may or may not be on disk then, and the file takes no more frames.
  void sync();
  bool broken() const { return broken_; }
  // Writes zeros ahead when little is left, so that write() rarely has to (the indexer's thread
  // calls this between its transactions, beside the writer). Throws StoreError.
  void grow_ahead();
  std::string read_all() const;
  // Cuts a torn tail off (and syncs).
  void truncate(std::size_t size);
  // Deletes the file (it stays locked until this object goes).
  void remove();

  const std::string& name() const { return name_; }
  // Where the frames end (the zeros written ahead not counted).
  std::size_t size() const { return size_; }

 private:
  JournalFile(int fd, std::filesystem::path path, std::size_t size);
  void grow(std::size_t needed);
  void write_buffered(std::string_view frame);
  void write_direct(std::string_view frame);
  [[noreturn]] void cut_back(const std::string& error);
  int fd_ = -1;
  int direct_fd_ = -1;
  // Direct writes: the bytes of the file's last, partial block, and a block-aligned buffer.
  std::string tail_;
  struct AlignedFree {
    void operator()(char* p) const;
  };
  std::unique_ptr<char, AlignedFree> block_buffer_;
  std::size_t block_capacity_ = 0;
  std::filesystem::path path_;
  std::string name_;
  std::atomic<std::size_t> size_{0};
  std::mutex grow_mutex_;
  std::atomic<std::size_t> allocated_{0};  // the file's length, zeros ahead included
  std::atomic<bool> broken_{false};
};

// One writer per chain: a chain's appends are checked against the heads this process knows, so
// no other process (or second store in this one) may append to it meanwhile. Holds
// "<db>.chain-<hash>.lock" under flock while it lives; throws StoreError when another holds it.
class ChainLock {
 public:
  ChainLock(const std::filesystem::path& db, const std::string& chain_id);
  ~ChainLock();
  ChainLock(const ChainLock&) = delete;
  ChainLock& operator=(const ChainLock&) = delete;

 private:
  int fd_ = -1;
};

}  // namespace bronpoort::processing_log::journal
