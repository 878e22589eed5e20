// The journal's files: creating, locking, writing ahead and adopting them (sqlite_journal.hpp).
#include "sqlite_journal.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace bronpoort::processing_log::journal {
namespace {

std::string errno_text(const std::string& what, const std::filesystem::path& path) {
  return "log journal: " + what + " " + path.filename().string() + ": " + std::strerror(errno);
}

void sync_directory(const std::filesystem::path& dir) {
  int fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

// Direct writes go in whole blocks of this size at offsets that are multiples of it (the page
// size, and a multiple of any disk's logical block).
constexpr std::size_t kBlock = 4096;

std::size_t round_up(std::size_t n) {
  return (n + kBlock - 1) / kBlock * kBlock;
}

std::string prefix_of(const std::filesystem::path& db) {
  return db.filename().string() + ".journal-";
}

}  // namespace

JournalFile::JournalFile(int fd, std::filesystem::path path, std::size_t size)
    : fd_(fd),
      path_(std::move(path)),
      name_(path_.filename().string()),
      size_(size),
      allocated_(size) {}

JournalFile::~JournalFile() {
  if (direct_fd_ >= 0) ::close(direct_fd_);
  if (fd_ >= 0) ::close(fd_);
}

void JournalFile::AlignedFree::operator()(char* p) const {
  std::free(p);
}

std::unique_ptr<JournalFile> JournalFile::create(const std::filesystem::path& db,
                                                 const std::string& instance, int generation,
                                                 bool direct) {
  char gen[16];
  std::snprintf(gen, sizeof gen, "%06d", generation);
  const auto dir = db.parent_path();
  const auto path = dir / (prefix_of(db) + instance + "-" + gen);
  const auto temporary = dir / ("." + path.filename().string() + ".new");
  int fd = ::open(temporary.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) throw StoreError(errno_text("cannot create", temporary));
  std::unique_ptr<JournalFile> file(new JournalFile(fd, temporary, 0));
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) throw StoreError(errno_text("cannot lock", temporary));
  file->write(kFileMagic);
  file->sync();
  if (::rename(temporary.c_str(), path.c_str()) != 0) {
    ::unlink(temporary.c_str());
    throw StoreError(errno_text("cannot rename", temporary));
  }
  sync_directory(dir);
  file->path_ = path;
  file->name_ = path.filename().string();
  if (direct) file->write_directly();
  return file;
}

std::unique_ptr<JournalFile> JournalFile::adopt(const std::filesystem::path& path) {
  int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return nullptr;
    throw StoreError(errno_text("cannot open", path));
  }
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd);
    return nullptr;  // a live process writes it
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0 || st.st_nlink == 0) {
    ::close(fd);  // removed between listing and locking: its owner finished it
    return nullptr;
  }
  return std::unique_ptr<JournalFile>(
      new JournalFile(fd, path, static_cast<std::size_t>(st.st_size)));
}

std::vector<std::filesystem::path> JournalFile::beside(const std::filesystem::path& db) {
  std::vector<std::filesystem::path> out;
  const auto dir = db.parent_path().empty() ? std::filesystem::path(".") : db.parent_path();
  const std::string prefix = prefix_of(db);
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.compare(0, prefix.size(), prefix) == 0) out.push_back(db.parent_path() / name);
  }
  std::sort(out.begin(), out.end());
  return out;
}

void JournalFile::write(std::string_view frame) {
  if (broken_) throw StoreError("log journal: an earlier write failed; restart to recover");
  // Direct writes cover whole blocks, so the zeros ahead must reach the end of the last one.
  const std::size_t end = direct_fd_ >= 0 ? round_up(size_ + frame.size()) : size_ + frame.size();
  if (end > allocated_) {
    std::lock_guard lock(grow_mutex_);
    if (end > allocated_) grow(end);
  }
  if (direct_fd_ >= 0) {
    write_direct(frame);
  } else {
    write_buffered(frame);
  }
  size_ += frame.size();
}

void JournalFile::write_buffered(std::string_view frame) {
  std::size_t done = 0;
  while (done < frame.size()) {
    ssize_t n =
        ::pwrite(fd_, frame.data() + done, frame.size() - done, static_cast<off_t>(size_ + done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) cut_back(errno_text("cannot write", path_));
    done += static_cast<std::size_t>(n);
  }
}

void JournalFile::write_direct(std::string_view frame) {
  const std::size_t start = size_ - tail_.size();  // a block boundary
  const std::size_t used = tail_.size() + frame.size();
  const std::size_t length = round_up(used);
  if (length > block_capacity_) {
    void* memory = nullptr;
    if (::posix_memalign(&memory, kBlock, length) != 0) {
      throw StoreError("log journal: no memory for a frame of " + std::to_string(frame.size()) +
                       " bytes");
    }
    block_buffer_.reset(static_cast<char*>(memory));
    block_capacity_ = length;
  }
  char* blocks = block_buffer_.get();
  std::memcpy(blocks, tail_.data(), tail_.size());
  std::memcpy(blocks + tail_.size(), frame.data(), frame.size());
  std::memset(blocks + used, 0, length - used);
  std::size_t done = 0;
  while (done < length) {
    ssize_t n =
        ::pwrite(direct_fd_, blocks + done, length - done, static_cast<off_t>(start + done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EINVAL && done == 0) {
      // A file system that opens with O_DIRECT but refuses the writes (some network and FUSE
      // ones): nothing was written, so the frame goes through the page cache, and so do the rest.
      ::close(direct_fd_);
      direct_fd_ = -1;
      tail_.clear();
      write_buffered(frame);
      return;
    }
    // A short direct write ends off a block boundary, where the next one could not start.
    if (n <= 0 || static_cast<std::size_t>(n) % kBlock != 0) {
      cut_back(n < 0 ? errno_text("cannot write", path_) : "log journal: short write to " + name_);
    }
    done += static_cast<std::size_t>(n);
  }
  const std::size_t partial = used % kBlock;
  tail_.assign(blocks + used - partial, partial);
}

// Leaves no partial frame in front of the next one; if that fails too, the file takes no more.
void JournalFile::cut_back(const std::string& error) {
  std::lock_guard lock(grow_mutex_);
  if (::ftruncate(fd_, static_cast<off_t>(size_)) != 0) broken_ = true;
  allocated_ = size_.load();
  throw StoreError(error);
}

bool JournalFile::write_directly() {
  if (direct_fd_ >= 0) return true;
  int fd = ::open(path_.c_str(), O_WRONLY | O_DIRECT | O_CLOEXEC);
  if (fd < 0) return false;  // EINVAL where the file system has no O_DIRECT (tmpfs)
  // The last partial block's bytes: the next direct write carries them again.
  const std::size_t start = size_ / kBlock * kBlock;
  std::string tail(size_ - start, '\0');
  std::size_t done = 0;
  while (done < tail.size()) {
    ssize_t n =
        ::pread(fd_, tail.data() + done, tail.size() - done, static_cast<off_t>(start + done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ::close(fd);
      return false;
    }
    done += static_cast<std::size_t>(n);
  }
  tail_ = std::move(tail);
  direct_fd_ = fd;
  return true;
}

void JournalFile::grow_ahead() {
  std::lock_guard lock(grow_mutex_);
  if (broken_ || allocated_ - size_.load() > kGrowBytes / 2) return;
  grow(allocated_);
}

// Under grow_mutex_. Only zeros past the frames are written, so the writer may go on meanwhile.
void JournalFile::grow(std::size_t needed) {
  // 1 MiB first, doubling up to kGrowBytes: a store that writes little (tests, a quiet demo)
  // does not write megabytes of zeros ahead.
  const std::size_t step = std::clamp<std::size_t>(allocated_, 1u << 20, kGrowBytes);
  const std::size_t target = round_up(std::max(needed, allocated_ + step));
  static const std::string zeros(1u << 20, '\0');
  for (std::size_t at = allocated_; at < target;) {
    const std::size_t n = std::min(zeros.size(), target - at);
    ssize_t written = ::pwrite(fd_, zeros.data(), n, static_cast<off_t>(at));
    if (written < 0 && errno == EINTR) continue;
    // Zeros written so far are harmless: the frames end where they did either way.
    if (written <= 0) throw StoreError(errno_text("cannot grow", path_));
    at += static_cast<std::size_t>(written);
  }
  // The new length and blocks are made durable once here, not by every commit's fdatasync.
  if (::fdatasync(fd_) != 0) throw StoreError(errno_text("cannot sync", path_));
  allocated_ = target;
}

void JournalFile::sync() {
  if (::fdatasync(fd_) != 0) {
    // After a failed sync the kernel may have dropped the pages: what was written since the last
    // good sync may or may not survive, so the file takes no more frames (docs/processing-log.md).
    broken_ = true;
    throw StoreError(errno_text("cannot sync", path_));
  }
}

std::string JournalFile::read_all() const {
  std::string bytes(size_, '\0');
  std::size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::pread(fd_, bytes.data() + done, bytes.size() - done, static_cast<off_t>(done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw StoreError(errno_text("cannot read", path_));
    if (n == 0) break;
    done += static_cast<std::size_t>(n);
  }
  bytes.resize(done);
  return bytes;
}

void JournalFile::truncate(std::size_t size) {
  if (::ftruncate(fd_, static_cast<off_t>(size)) != 0 || ::fdatasync(fd_) != 0) {
    throw StoreError(errno_text("cannot cut the torn tail of", path_));
  }
  size_ = size;
  allocated_ = size;
}

void JournalFile::remove() {
  if (::unlink(path_.c_str()) != 0 && errno != ENOENT) {
    throw StoreError(errno_text("cannot remove", path_));
  }
  sync_directory(path_.parent_path());
}

ChainLock::ChainLock(const std::filesystem::path& db, const std::string& chain_id) {
  const auto sum = sha256(chain_id);
  char hex[17];
  for (int i = 0; i < 8; ++i) std::snprintf(hex + 2 * i, 3, "%02x", sum[i]);
  const auto path = db.parent_path() / (db.filename().string() + ".chain-" + hex + ".lock");
  fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd_ < 0) throw StoreError(errno_text("cannot open", path));
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd_);
    fd_ = -1;
    throw StoreError("log chain " + chain_id +
                     " is being written by another process on this database; give each gateway "
                     "instance its own chain id (processingLog.chainId)");
  }
}

ChainLock::~ChainLock() {
  if (fd_ >= 0) ::close(fd_);
}

}  // namespace bronpoort::processing_log::journal
