// Durability under a crash: a writer process is killed with SIGKILL while concurrent "requests"
// append; every record whose commit was acknowledged before the kill must be in the log afterwards,
// and the chain must still verify. (The same test through the real gateway binary belongs in
// tests/integration once the log stage is wired into it.)

#include "log_test_support.hpp"

#include <bronpoort/processing_log/group_commit_writer.hpp>
#include <bronpoort/processing_log/verifier.hpp>

#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>
#include <csignal>
#include <set>
#include <thread>

namespace bronpoort::processing_log {
namespace {

using namespace std::chrono_literals;

// Runs in the forked child: appends from several threads and reports each durable trace id on `fd`.
[[noreturn]] void crash_child(testing::TestDatabase& db, int fd) {
  try {
    std::shared_ptr<LogStore> store = db.open();
    WriterOptions options;
    options.chain_id = "crash";
    GroupCommitWriter writer(store, nullptr, options);
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t) {
      threads.emplace_back([&, t] {
        for (int i = 0;; ++i) {
          auto r = testing::sample_record();
          char id[33];
          std::snprintf(id, sizeof id, "%016x%016x", t + 1, i + 1);
          r.trace_id = id;
          if (!writer.append({r}, 10s).get().durable) _exit(3);
          // Acknowledge only after durability, as the gateway releases a response.
          if (::write(fd, id, 32) != 32) _exit(4);
        }
      });
    }
    for (auto& th : threads) th.join();
  } catch (...) {
  }
  _exit(2);
}

class Crash : public ::testing::TestWithParam<std::string> {};

TEST_P(Crash, EveryAcknowledgedRecordSurvivesKill9) {
  auto db = testing::make_test_database(GetParam());
  if (!db) GTEST_SKIP() << "no PostgreSQL test cluster";
  db->open();  // migrate before forking
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::close(fds[0]);
    crash_child(*db, fds[1]);
  }
  ::close(fds[1]);
  std::set<std::string> acked;
  std::string buffer;
  char chunk[4096];
  auto deadline = std::chrono::steady_clock::now() + 60s;
  bool killed = false;
  for (;;) {
    ssize_t n = ::read(fds[0], chunk, sizeof chunk);
    if (n <= 0) break;  // the child is gone and the pipe is drained
    buffer.append(chunk, static_cast<std::size_t>(n));
    while (buffer.size() >= 32) {
      acked.insert(buffer.substr(0, 32));
      buffer.erase(0, 32);
    }
    if (!killed && (acked.size() >= 500 || std::chrono::steady_clock::now() > deadline)) {
      ::kill(child, SIGKILL);  // mid-flight: commits in progress, records queued
      killed = true;
    }
  }
  ::close(fds[0]);
  int status = 0;
  ::waitpid(child, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << "child exited early";
  ASSERT_GE(acked.size(), 500u);

  auto store = db->open();
  std::set<std::string> stored;
  std::optional<LogCursor> cursor;
  do {
    auto page = store->query({}, cursor, 1000);
    for (const auto& r : page.records) stored.insert(r.trace_id);
    cursor = page.next;
  } while (cursor);
  std::size_t missing = 0;
  for (const auto& id : acked) missing += stored.count(id) ? 0 : 1;
  EXPECT_EQ(missing, 0u) << "acknowledged records lost after kill -9";
  auto report = verify_log(*store, nullptr);
  EXPECT_TRUE(report.ok) << report.to_json().dump();

  // A restarted writer continues the chain after the crash.
  GroupCommitWriter writer(std::shared_ptr<LogStore>(std::move(store)), nullptr,
                           WriterOptions{"crash"});
  auto r = writer.append({testing::sample_record()}, 10s).get();
  ASSERT_TRUE(r.durable);
  EXPECT_EQ(r.first_seq, report.chains.at(0).head_seq + 1);
}

INSTANTIATE_TEST_SUITE_P(Stores, Crash, ::testing::Values("sqlite", "postgres"),
                         [](const auto& param_info) { return param_info.param; });

}  // namespace
}  // namespace bronpoort::processing_log
