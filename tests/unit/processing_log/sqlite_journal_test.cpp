// The SQLite store's commit journal: a commit is durable once its frame is synced in the journal,
// the indexer copies it into the tables later, and a journal left behind by a process that ended
// is replayed when the database is next opened. These tests leave journals behind on purpose
// (SqliteStoreOptions::index = false, as a process killed before its indexer ran would), tear and
// damage them, and check what the next open makes of them.

#include "../../../src/processing_log/sqlite_journal.hpp"
#include "../../../src/processing_log/sql_shape.hpp"
#include "log_test_support.hpp"

#include <bronpoort/processing_log/group_commit_writer.hpp>
#include <bronpoort/processing_log/signed_note.hpp>
#include <bronpoort/processing_log/tree_verification.hpp>
#include <bronpoort/processing_log/verifier.hpp>

#include <gtest/gtest.h>

#include <dlfcn.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <fstream>
#include <iterator>
#include <string_view>
#include <thread>

namespace {

// The pwrite below stands in for the C library's in this test binary, so that tests can make
// the journal's writes fail as file systems do. With both flags unset, as in every other test, it
// only passes the call on.
// - refuse_direct_writes: a write to a descriptor opened with O_DIRECT fails with EINVAL before
//   writing anything (some network and FUSE file systems open with O_DIRECT but refuse writes).
// - disk_full_for_journals: a write to a journal file writes half of what it was given and says
//   so; the next one fails with ENOSPC (a disk that fills up in the middle of a frame).
std::atomic<bool> refuse_direct_writes{false};
std::atomic<int> refused_direct_writes{0};
std::atomic<bool> disk_full_for_journals{false};
std::atomic<int> journal_writes_cut{0};
// - fail_journal_syncs: fdatasync of a journal file fails with EIO (a disk that reports a lost
//   write; the pages may or may not have reached it).
std::atomic<bool> fail_journal_syncs{false};

bool is_journal(int fd) {
  char target[4096];
  const std::string link = "/proc/self/fd/" + std::to_string(fd);
  const ssize_t n = ::readlink(link.c_str(), target, sizeof target - 1);
  return n > 0 && std::string_view(target, static_cast<std::size_t>(n)).find(".journal-") !=
                      std::string_view::npos;
}

}  // namespace

extern "C" ssize_t pwrite(int fd, const void* buf, size_t count, off_t offset) {
  using Pwrite = ssize_t (*)(int, const void*, size_t, off_t);
  static const auto real = reinterpret_cast<Pwrite>(::dlsym(RTLD_NEXT, "pwrite"));
  if (refuse_direct_writes.load()) {
    const int flags = ::fcntl(fd, F_GETFL);
    if (flags >= 0 && (flags & O_DIRECT) != 0) {
      ++refused_direct_writes;
      errno = EINVAL;
      return -1;
    }
  }
  if (disk_full_for_journals.load() && is_journal(fd)) {
    static thread_local bool half_written = false;
    if (!half_written && count >= 2 * 4096) {
      // Whole blocks, as a direct write would end: the code must still cut them off.
      half_written = true;
      ++journal_writes_cut;
      return real(fd, buf, count / 2 / 4096 * 4096, offset);
    }
    half_written = false;
    errno = ENOSPC;
    return -1;
  }
  return real(fd, buf, count, offset);
}

extern "C" int fdatasync(int fd) {
  using Fdatasync = int (*)(int);
  static const auto real = reinterpret_cast<Fdatasync>(::dlsym(RTLD_NEXT, "fdatasync"));
  if (fail_journal_syncs.load() && is_journal(fd)) {
    errno = EIO;
    return -1;
  }
  return real(fd);
}

namespace bronpoort::processing_log {
namespace {

namespace fs = std::filesystem;
using journal::kFileMagic;

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_file(const fs::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
}

// `size` bytes of the alphabet from `first` on, over and over.
std::string patterned(std::size_t size, char first) {
  std::string f(size, '\0');
  for (std::size_t b = 0; b < size; ++b) f[b] = static_cast<char>(first + b % 26);
  return f;
}

// The journal holds `expected` (its header and frames) and only zeros after it, also on disk.
void expect_holds(const journal::JournalFile& file, const fs::path& dir,
                  const std::string& expected) {
  EXPECT_EQ(file.read_all(), expected);
  const std::string on_disk = read_file(dir / file.name());
  ASSERT_GE(on_disk.size(), expected.size());
  EXPECT_EQ(on_disk.substr(0, expected.size()), expected);
  EXPECT_EQ(on_disk.find_first_not_of('\0', expected.size()), std::string::npos);
}

// Appends `n` requests' worth of records (two each) through `writer`, each durable.
void append_pairs(GroupCommitWriter& writer, int n) {
  for (int i = 0; i < n; ++i) {
    ASSERT_TRUE(
        writer
            .append({testing::sample_record(), testing::sample_record()}, std::chrono::seconds(10))
            .get()
            .durable);
  }
}

// Three batches of a chain, linked across batches.
std::vector<std::vector<LogRecord>> batches(const std::string& chain, int per_batch = 4) {
  auto records = testing::linked_records(chain, 3 * per_batch);
  std::vector<std::vector<LogRecord>> out(3);
  for (int i = 0; i < 3 * per_batch; ++i) out[i / per_batch].push_back(records[i]);
  return out;
}

std::vector<std::string> column_texts(const LogRecord& r) {
  struct Sink {
    std::vector<std::string>& out;
    void integer(std::int64_t n) { out.push_back("#" + std::to_string(n)); }
    void text(const std::string& s, bool) { out.push_back(s); }
  };
  std::vector<std::string> out;
  Sink sink{out};
  sql::for_each_record_value(r, sink);
  return out;
}

std::vector<std::string> column_texts(const journal::RecordColumns& columns) {
  std::vector<std::string> out;
  for (const auto& c : columns) {
    out.push_back(c.is_int ? "#" + std::to_string(c.integer) : std::string(c.text));
  }
  return out;
}

// A journal file's bytes with the given frames.
std::string journal_of(const std::vector<std::string>& frames) {
  std::string bytes(kFileMagic);
  for (const auto& f : frames) bytes += f;
  return bytes;
}

TEST(JournalFrame, HoldsExactlyWhatTheAppendWasGiven) {
  auto records = testing::linked_records("c", 3);
  records[1].purpose = std::string("with\0nul", 8);
  records[2].details = {{"reason", "ünïcode"}};
  Checkpoint cp{"c", 3, records[2].hash, 42, "key-1", "c2lnbmF0dXJl"};
  TreeAppend tree = testing::one_node_tree("c", {4, 7}, 0xab);
  const merkle::StoredNode node = tree.nodes[0];
  tree.heads.push_back({"c", 3, "00ff", 43, "note text\n"});

  const std::string bytes = journal_of({journal::encode(records, {cp}, tree)});
  auto scanned = journal::scan(bytes, "j");
  ASSERT_EQ(scanned.frames.size(), 1u);
  auto decoded = journal::decode(scanned.frames[0].payload);
  ASSERT_EQ(decoded.records.size(), 3u);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(column_texts(decoded.records[i]), column_texts(records[i]));
  ASSERT_EQ(decoded.checkpoints.size(), 1u);
  EXPECT_EQ(decoded.checkpoints[0].signature, cp.signature);
  EXPECT_EQ(decoded.checkpoints[0].seq, 3);
  ASSERT_EQ(decoded.tree.nodes.size(), 1u);
  EXPECT_EQ(decoded.tree.nodes[0].id, node.id);
  EXPECT_EQ(decoded.tree.nodes[0].hash, node.hash);
  ASSERT_EQ(decoded.tree.heads.size(), 1u);
  EXPECT_EQ(decoded.tree.heads[0].note, "note text\n");
  EXPECT_EQ(decoded.tree.chain_id, "c");
}

TEST(JournalFrame, MalformedPayloadsAreRefusedNotRead) {
  const std::string frame = journal::encode(testing::linked_records("c", 2), {}, {});
  const std::string payload = frame.substr(journal::kFrameHeader);
  // Every shortened payload lacks a value it announces.
  for (std::size_t n = 0; n < payload.size(); n += 7) {
    EXPECT_THROW(journal::decode(std::string_view(payload).substr(0, n)), StoreError) << n;
  }
  std::string longer = payload + "x";
  EXPECT_THROW(journal::decode(longer), StoreError);
  std::string huge_count = payload;
  huge_count[0] = huge_count[1] = huge_count[2] = '\xff';
  EXPECT_THROW(journal::decode(huge_count), StoreError);
}

TEST(JournalScan, ATornLastFrameIsCutWhereverTheCrashTookIt) {
  auto b = batches("c");
  std::vector<std::string> frames;
  for (const auto& batch : b) frames.push_back(journal::encode(batch, {}, {}));
  const std::string whole = journal_of(frames);
  const std::size_t second_end = kFileMagic.size() + frames[0].size() + frames[1].size();
  // Cut anywhere inside the last frame, or with its bytes zeroed from anywhere on (a write whose
  // later sectors never reached the disk, in a file grown with zeros ahead).
  for (std::size_t cut = second_end; cut < whole.size(); cut += 3) {
    auto cut_file = journal::scan(std::string_view(whole).substr(0, cut), "j");
    EXPECT_EQ(cut_file.frames.size(), 2u) << cut;
    EXPECT_EQ(cut_file.valid_end, second_end) << cut;
    std::string zeroed = whole;
    std::fill(zeroed.begin() + static_cast<std::ptrdiff_t>(cut), zeroed.end(), '\0');
    zeroed += std::string(4096, '\0');
    auto zeroed_file = journal::scan(zeroed, "j");
    EXPECT_EQ(zeroed_file.frames.size(), 2u) << cut;
    EXPECT_EQ(zeroed_file.valid_end, second_end) << cut;
  }
  // Its first sector lost and a later one written: still only the torn last frame.
  std::string front_lost = whole;
  std::fill(front_lost.begin() + static_cast<std::ptrdiff_t>(second_end),
            front_lost.begin() + static_cast<std::ptrdiff_t>(second_end + 512), '\0');
  EXPECT_EQ(journal::scan(front_lost, "j").frames.size(), 2u);
  // Intact, with zeros written ahead.
  EXPECT_EQ(journal::scan(whole + std::string(8192, '\0'), "j").frames.size(), 3u);
}

TEST(JournalScan, DamageBeforeAnIntactFrameIsRefused) {
  auto b = batches("c");
  std::vector<std::string> frames;
  for (const auto& batch : b) frames.push_back(journal::encode(batch, {}, {}));
  const std::string whole = journal_of(frames);
  // A changed byte in the first frame's payload, then in its length: both are followed by frames
  // that were acknowledged, so the damage is not a crash's and nothing may be cut.
  for (std::size_t at : {kFileMagic.size() + 40, kFileMagic.size() + 1}) {
    std::string damaged = whole;
    damaged[at] = static_cast<char>(damaged[at] ^ 0x5a);
    try {
      journal::scan(damaged, "log.db.journal-x");
      ADD_FAILURE() << "damage at " << at << " was not refused";
    } catch (const StoreError& e) {
      EXPECT_NE(std::string(e.what()).find("damaged frame at offset " +
                                           std::to_string(kFileMagic.size())),
                std::string::npos)
          << e.what();
    }
  }
  EXPECT_THROW(journal::scan("NOT-A-JOURNAL-FILE-AT-ALL\n", "j"), StoreError);
  // A file cut inside its header was never written to.
  EXPECT_TRUE(journal::scan(kFileMagic.substr(0, 5), "j").frames.empty());
}

// Direct writes (O_DIRECT) rewrite the file's last partial block with each frame; buffered ones
// append. Either way the file must hold the header, every frame in order and then only zeros,
// also while the indexer's thread grows the file ahead meanwhile.
class JournalFileWrites : public ::testing::TestWithParam<bool> {};

TEST_P(JournalFileWrites, HoldEveryFrameInOrderAcrossBlocksAndGrowth) {
  const fs::path dir = testing::temp_path("journal-file");
  const fs::path db = dir / "log.db";
  fs::create_directories(dir);
  auto file = journal::JournalFile::create(db, "test", 1, GetParam());
  struct statfs fs_info {};
  ASSERT_EQ(::statfs(dir.c_str(), &fs_info), 0);
  if (!GetParam()) {
    EXPECT_FALSE(file->direct());
  } else if (fs_info.f_type != TMPFS_MAGIC) {
    EXPECT_TRUE(file->direct());
  }

  // Stopped and joined however the test ends, before the file goes.
  struct Grower {
    std::atomic<bool> done{false};
    std::thread thread;
    ~Grower() {
      done = true;
      if (thread.joinable()) thread.join();
    }
  } grower;
  grower.thread = std::thread([&] {
    while (!grower.done) file->grow_ahead();
  });
  std::string expected(kFileMagic);
  // Sizes that end a frame inside a block, exactly on its end and past several blocks, then
  // enough to outgrow the first zeros written ahead (1 MiB).
  std::vector<std::size_t> sizes = {1, 100, 4096 - kFileMagic.size() - 101, 4096, 5000, 9000, 3};
  for (std::size_t i = 0; i < 400; ++i) sizes.push_back(1 + (i * 7919) % 9000);
  for (std::size_t i = 0; i < sizes.size(); ++i) {
    std::string frame(sizes[i], '\0');
    for (std::size_t b = 0; b < frame.size(); ++b) frame[b] = static_cast<char>('a' + (i + b) % 26);
    file->write(frame);
    if (i % 3 == 0) file->sync();
    expected += frame;
    ASSERT_EQ(file->size(), expected.size()) << i;
  }
  file->sync();
  grower.done = true;
  grower.thread.join();

  expect_holds(*file, dir, expected);
  file.reset();
  fs::remove_all(dir);
}

// A disk that fills up in the middle of a frame: the write fails, the part that reached the file
// is cut off, and the next frame follows the last good one as if the failed one never was.
TEST_P(JournalFileWrites, AFrameCutShortByAFullDiskLeavesNothingBeforeTheNext) {
  const fs::path dir = testing::temp_path("journal-full");
  const fs::path db = dir / "log.db";
  fs::create_directories(dir);
  auto file = journal::JournalFile::create(db, "test", 1, GetParam());
  struct Restore {
    ~Restore() { disk_full_for_journals = false; }
  } restore;
  std::string expected(kFileMagic);
  const std::string a = patterned(5000, 'a');
  file->write(a);
  file->sync();
  expected += a;

  disk_full_for_journals = true;
  const int cut_before = journal_writes_cut.load();
  EXPECT_THROW(file->write(patterned(20000, 'A')), StoreError);
  EXPECT_EQ(journal_writes_cut.load() - cut_before, 1);  // part of it reached the file first
  EXPECT_EQ(file->size(), expected.size());
  disk_full_for_journals = false;
  EXPECT_FALSE(file->broken());

  const std::string c = patterned(3000, 'n');
  file->write(c);
  file->sync();
  expected += c;
  expect_holds(*file, dir, expected);
  file.reset();
  fs::remove_all(dir);
}

INSTANTIATE_TEST_SUITE_P(DirectAndBuffered, JournalFileWrites, ::testing::Bool(),
                         [](const ::testing::TestParamInfo<bool>& p) {
                           return p.param ? "Direct" : "Buffered";
                         });

// A file system that opens with O_DIRECT but refuses the writes: the frame that met the refusal
// and every later one go through the page cache, and the file still holds every frame in order.
TEST(JournalFileDirectWrites, RefusedWithEinvalTheFrameAndTheRestAreWrittenBuffered) {
  const fs::path dir = testing::temp_path("journal-refused");
  const fs::path db = dir / "log.db";
  fs::create_directories(dir);
  auto file = journal::JournalFile::create(db, "test", 1, true);
  if (!file->direct()) GTEST_SKIP() << "this file system refuses O_DIRECT at open already";
  struct Restore {
    ~Restore() { refuse_direct_writes = false; }
  } restore;
  std::string expected(kFileMagic);
  // Direct, leaving a partial block that a direct write would carry again.
  expected += patterned(5000, 'a');
  file->write(expected.substr(kFileMagic.size()));
  file->sync();
  ASSERT_TRUE(file->direct());

  refuse_direct_writes = true;
  const int refused_before = refused_direct_writes.load();
  for (std::size_t size : {3000u, 4096u, 1u, 9000u}) {
    std::string f = patterned(size, 'A');
    ASSERT_NO_THROW(file->write(f));
    expected += f;
    ASSERT_EQ(file->size(), expected.size());
  }
  EXPECT_EQ(refused_direct_writes.load() - refused_before, 1);  // the first only; then buffered
  EXPECT_FALSE(file->direct());
  file->sync();
  refuse_direct_writes = false;
  // Buffered for good: it does not go back to direct writes on its own.
  std::string last = patterned(700, 'k');
  file->write(last);
  expected += last;
  file->sync();
  EXPECT_FALSE(file->direct());

  expect_holds(*file, dir, expected);
  file.reset();
  fs::remove_all(dir);
}

class SqliteJournal : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::temp_path("sqlite-journal");
    db_ = dir_ / "log.db";
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::vector<fs::path> journals() const { return journal::JournalFile::beside(db_); }

  // Appends the three batches with the indexer off and closes the store, as a process killed
  // before its indexer ran leaves the database: the records only in the journal.
  fs::path leave_journal_behind(const std::string& chain) {
    {
      auto store = open_sqlite_store(db_.string(), {false});
      for (const auto& batch : batches(chain)) store->append(batch, {});
    }
    auto left = journals();
    EXPECT_EQ(left.size(), 1u);
    return left.empty() ? fs::path() : left[0];
  }

  struct AroundAFault {
    AppendResult failed;
    AppendResult next;
    std::vector<fs::path> journals_before;
    std::vector<fs::path> journals_after;
  };
  // Six durable records, then a commit of `failing` records while `fault` is set, then one more
  // record. Checks that the log then holds `head` records and verifies, also reopened.
  AroundAFault commit_around(std::atomic<bool>& fault, std::size_t failing, std::int64_t head) {
    struct Restore {
      std::atomic<bool>& fault;
      ~Restore() { fault = false; }
    } restore{fault};
    AroundAFault out;
    {
      std::shared_ptr<LogStore> store = open_sqlite_store(db_.string());
      GroupCommitWriter writer(store, nullptr, WriterOptions{"c"});
      append_pairs(writer, 3);  // seq 1 to 6
      out.journals_before = journals();
      fault = true;
      std::vector<LogRecord> records(failing, testing::sample_record());
      out.failed = writer.append(std::move(records), std::chrono::seconds(10)).get();
      fault = false;
      out.next = writer.append({testing::sample_record()}, std::chrono::seconds(10)).get();
      out.journals_after = journals();
      EXPECT_EQ(store->chain_records("c", 1, 100).size(), static_cast<std::size_t>(head));
      auto report = verify_log(*store, nullptr);
      EXPECT_TRUE(report.ok) << report.to_json().dump();
    }
    auto reopened = open_sqlite_store(db_.string());
    EXPECT_EQ(reopened->chain_head("c")->seq, head);
    auto report = verify_log(*reopened, nullptr);
    EXPECT_TRUE(report.ok) << report.to_json().dump();
    return out;
  }

  fs::path dir_;
  fs::path db_;
};

TEST_F(SqliteJournal, AJournalLeftBehindIsReplayedWhenTheDatabaseIsOpened) {
  leave_journal_behind("c");
  auto store = open_sqlite_store(db_.string());
  auto records = store->chain_records("c", 1, 100);
  ASSERT_EQ(records.size(), 12u);
  auto expected = testing::linked_records("c", 12);
  for (int i = 0; i < 12; ++i)
    EXPECT_EQ(records[i].canonical_bytes(), expected[i].canonical_bytes());
  EXPECT_TRUE(verify_log(*store, nullptr).ok);
  // Replayed and removed; the store's own journal is the only one now.
  ASSERT_EQ(journals().size(), 1u);
  store.reset();
  EXPECT_TRUE(journals().empty());  // a store that closes cleanly leaves none
  EXPECT_EQ(open_sqlite_store(db_.string())->chain_records("c", 1, 100).size(), 12u);
}

TEST_F(SqliteJournal, SignedCheckpointsAndTreeHeadsInALeftJournalAreReplayedWithTheRecords) {
  const auto key =
      fs::path(BRONPOORT_SOURCE_DIR) / "config/keys" / "demo-log-checkpoint-ed25519.pem";
  const std::string origin = "bronpoort.local/processing-log";
  std::string error;
  std::shared_ptr<const CheckpointSigner> signer =
      CheckpointSigner::from_pem_file(key, "demo", error);
  std::shared_ptr<const NoteSigner> note_signer = NoteSigner::from_pem_file(key, origin, error);
  ASSERT_TRUE(signer && note_signer) << error;
  WriterOptions options;
  options.chain_id = "c1";
  options.checkpoint_every_records = 10;
  options.note_signer = note_signer;
  options.origin = origin + "/c1";
  {
    std::shared_ptr<LogStore> store = open_sqlite_store(db_.string(), {false});
    GroupCommitWriter writer(store, signer, options);
    ASSERT_NO_FATAL_FAILURE(append_pairs(writer, 30));
  }  // the writer's last checkpoint goes into the journal too; nothing was indexed

  auto store = open_sqlite_store(db_.string());
  EXPECT_EQ(store->chain_head("c1")->seq, 60);
  EXPECT_EQ(store->checkpoints("c1").size(), 6u);
  auto heads = store->tree_heads("c1");
  ASSERT_FALSE(heads.empty());
  EXPECT_EQ(heads.back().tree_size, 60);
  EXPECT_GT(store->tree_node_count("c1"), 0);
  auto checkpoint_verifier = CheckpointVerifier::from_pem(signer->public_key_pem(), error);
  auto note_verifier = NoteVerifier::from_pem(note_signer->public_key_pem(), origin, error);
  ASSERT_TRUE(checkpoint_verifier && note_verifier) << error;
  TreeVerification how{note_verifier.get(), {}, {}};
  auto report = verify_log(*store, checkpoint_verifier.get(), &how);
  EXPECT_TRUE(report.ok) << report.to_json().dump();
  ASSERT_EQ(report.chains.size(), 1u);
  EXPECT_EQ(report.chains[0].checkpoints, 6);
}

TEST_F(SqliteJournal, ATornTailIsCutAndTheChainContinuesAfterWhatWasDurable) {
  auto path = leave_journal_behind("c");
  auto bytes = read_file(path);
  auto scanned = journal::scan(bytes, "j");
  ASSERT_EQ(scanned.frames.size(), 3u);
  // The crash came while the last batch was being written: half of it on disk.
  const auto& last = scanned.frames[2];
  write_file(path, bytes.substr(0, last.offset + (last.end - last.offset) / 2));

  std::shared_ptr<LogStore> store = open_sqlite_store(db_.string());
  EXPECT_EQ(store->chain_head("c")->seq, 8);
  GroupCommitWriter writer(store, nullptr, WriterOptions{"c"});
  auto r = writer.append({testing::sample_record()}, std::chrono::seconds(10)).get();
  ASSERT_TRUE(r.durable) << r.error;
  EXPECT_EQ(r.first_seq, 9);
  auto report = verify_log(*store, nullptr);
  EXPECT_TRUE(report.ok) << report.to_json().dump();
}

// A commit the disk cannot hold is refused (its requests answer 503 upstream of this); the
// chain then goes on from the last durable record, with no gap, and verifies, also reopened.
TEST_F(SqliteJournal, ACommitTheDiskCannotHoldIsRefusedAndTheChainGoesOnAfterTheLastDurable) {
  const int cut_before = journal_writes_cut.load();
  // 40 records: a frame of several blocks, so that part of it reaches the file first.
  auto around = commit_around(disk_full_for_journals, 40, 7);
  EXPECT_EQ(journal_writes_cut.load() - cut_before, 1);
  EXPECT_FALSE(around.failed.durable);
  EXPECT_FALSE(around.failed.error.empty());
  ASSERT_TRUE(around.next.durable) << around.next.error;
  EXPECT_EQ(around.next.first_seq, 7);  // the refused records took no sequence numbers
}

// A failed fdatasync: the pages may or may not reach the disk, and retrying the sync on the same
// file could report success for pages the kernel dropped. So the commit fails (its requests
// answer 503), the file takes no more frames, the next commit goes to a new journal, and the
// chain continues after the unsure frame, which counts as written: a later record never claims
// a predecessor that might turn up after all.
TEST_F(SqliteJournal, AFailedSyncFailsTheCommitAndTheNextGoesToANewJournalAfterIt) {
  auto around = commit_around(fail_journal_syncs, 2, 9);
  EXPECT_FALSE(around.failed.durable);
  EXPECT_NE(around.failed.error.find("sync"), std::string::npos) << around.failed.error;
  ASSERT_TRUE(around.next.durable) << around.next.error;
  EXPECT_EQ(around.next.first_seq, 9);  // after the unsure frame's 7 and 8
  // The next frame went to a new journal; the old one goes once the indexer is through with it.
  ASSERT_EQ(around.journals_before.size(), 1u);
  const auto& old = around.journals_before[0];
  EXPECT_TRUE(std::any_of(around.journals_after.begin(), around.journals_after.end(),
                          [&](const fs::path& p) { return p != old; }))
      << "the journal whose sync failed took another frame";
}

TEST_F(SqliteJournal, ADamagedJournalKeepsTheStoreFromOpeningAndIsKept) {
  auto path = leave_journal_behind("c");
  auto bytes = read_file(path);
  auto scanned = journal::scan(bytes, "j");
  ASSERT_EQ(scanned.frames.size(), 3u);
  bytes[scanned.frames[0].offset + 30] ^= 0x01;
  write_file(path, bytes);
  try {
    open_sqlite_store(db_.string());
    ADD_FAILURE() << "a store opened over a damaged journal";
  } catch (const StoreError& e) {
    EXPECT_NE(std::string(e.what()).find("damaged frame"), std::string::npos) << e.what();
  }
  EXPECT_TRUE(fs::exists(path));  // evidence is never deleted to make a start possible
  EXPECT_EQ(read_file(path), bytes);
}

TEST_F(SqliteJournal, ALiveStoresJournalIsNotReplayedByAnother) {
  auto writing = open_sqlite_store(db_.string(), {false});
  for (const auto& batch : batches("a")) writing->append(batch, {});
  auto own = journals();
  ASSERT_EQ(own.size(), 1u);
  {
    // A second store on the same database (the verify command beside a running gateway).
    auto other = open_sqlite_store(db_.string());
    EXPECT_TRUE(other->chain_records("a", 1, 100).empty());
    EXPECT_TRUE(fs::exists(own[0]));
  }
  writing.reset();  // ends without indexing: the journal stays
  EXPECT_EQ(open_sqlite_store(db_.string())->chain_records("a", 1, 100).size(), 12u);
}

TEST_F(SqliteJournal, OneStoreAtATimeAppendsToAChain) {
  auto first = open_sqlite_store(db_.string());
  auto second = open_sqlite_store(db_.string());
  auto b = batches("c");
  first->append(b[0], {});
  try {
    second->append(b[1], {});
    ADD_FAILURE() << "two stores appended to one chain";
  } catch (const StoreError& e) {
    EXPECT_NE(std::string(e.what()).find("another process"), std::string::npos) << e.what();
  }
  second->append(batches("d")[0], {});  // another chain is free
  first.reset();
  second->append(b[1], {});  // the first store is gone: the chain is free and continues
  EXPECT_EQ(second->chain_head("c")->seq, 8);
}

TEST_F(SqliteJournal, AppendsThatWouldCollideInTheTablesAreRefusedBeforeTheyAreDurable) {
  auto store = open_sqlite_store(db_.string());
  auto b = batches("c");
  store->append(b[0], {});
  EXPECT_THROW(store->append(b[0], {}), StoreError);                // the same seqs again
  EXPECT_THROW(store->append({b[2][1], b[2][0]}, {}), StoreError);  // out of order
  store->append({}, {Checkpoint{"c", 4, b[0][3].hash, 1, "k", "s"}});
  EXPECT_THROW(store->append({}, {Checkpoint{"c", 4, b[0][3].hash, 2, "k", "s"}}), StoreError);
  store->append(b[1], {});
  EXPECT_EQ(store->chain_head("c")->seq, 8);
  EXPECT_EQ(store->checkpoints("c").size(), 1u);
  EXPECT_TRUE(store->ping());  // nothing the indexer could not store was journaled
}

TEST_F(SqliteJournal, FullJournalFilesMakeWayForNewOnesAndGoOnceIndexed) {
  SqliteStoreOptions options;
  options.journal_file_bytes = 4096;
  std::shared_ptr<LogStore> store = open_sqlite_store(db_.string(), options);
  {
    GroupCommitWriter writer(store, nullptr, WriterOptions{"c"});
    ASSERT_NO_FATAL_FAILURE(append_pairs(writer, 40));
  }
  store->flush();
  // Forty commits of about 2.5 KB each took many files; once their frames are indexed they go
  // (just after the transaction that indexed them), all but the one being written.
  for (int i = 0; i < 200 && journals().size() > 1; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(journals().size(), 1u);
  EXPECT_EQ(store->chain_records("c", 1, 100).size(), 80u);
  EXPECT_TRUE(verify_log(*store, nullptr).ok);
  store.reset();
  EXPECT_TRUE(journals().empty());
}

}  // namespace
}  // namespace bronpoort::processing_log
