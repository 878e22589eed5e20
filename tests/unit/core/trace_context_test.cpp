#include <bronpoort/core/trace_context.hpp>

#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace bronpoort {
namespace {

constexpr const char* kValid = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

TEST(TraceContext, ContinuesValidTraceparentWithNewSpan) {
  auto t = make_trace_context(std::string_view(kValid));
  EXPECT_EQ(t.trace_id, "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(t.parent_span_id, "00f067aa0ba902b7");
  EXPECT_EQ(t.span_id.size(), 16u);
  EXPECT_NE(t.span_id, "00f067aa0ba902b7");
  EXPECT_EQ(t.traceparent(), "00-4bf92f3577b34da6a3ce929d0e0e4736-" + t.span_id + "-01");
}

TEST(TraceContext, StartsNewTraceWhenAbsent) {
  auto t = make_trace_context(std::nullopt);
  EXPECT_EQ(t.trace_id.size(), 32u);
  EXPECT_TRUE(t.parent_span_id.empty());
  EXPECT_TRUE(parse_traceparent(t.traceparent()).has_value());
  EXPECT_NE(make_trace_context(std::nullopt).trace_id, t.trace_id);
}

TEST(TraceContext, NewTraceIdsSortByTimeAndKeepEightRandomBytes) {
  // The first 16 hex digits are the start time in microseconds, so ids started later sort after
  // earlier ones (the log's trace index appends instead of touching a random page); the last 16
  // are random, so two ids started in the same microsecond still differ.
  auto micros = [] {
    return std::chrono::duration_cast<std::chrono::microseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  };
  auto before = micros();
  auto a = make_trace_context(std::nullopt).trace_id;
  auto b = make_trace_context(std::nullopt).trace_id;
  auto after = micros();
  auto stamp = [](const std::string& id) {
    return static_cast<long long>(std::stoull(id.substr(0, 16), nullptr, 16));
  };
  EXPECT_GE(stamp(a), before);
  EXPECT_LE(stamp(b), after);
  EXPECT_LE(a.substr(0, 16), b.substr(0, 16));
  EXPECT_NE(a.substr(16), b.substr(16));
  std::set<std::string> tails;
  for (int i = 0; i < 200; ++i) tails.insert(make_trace_context(std::nullopt).trace_id.substr(16));
  EXPECT_EQ(tails.size(), 200u);
}

// Span ids come from a per-thread block of CSPRNG bytes: no two ids share bytes, across blocks
// and threads, and a forked child draws its own block instead of repeating its parent's ids.
TEST(TraceContext, SpanIdsNeverRepeatAcrossThreadsBlocksAndForks) {
  std::set<std::string> ids;
  std::mutex mutex;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      std::vector<std::string> mine;
      for (int i = 0; i < 2000; ++i) mine.push_back(TraceContext::new_span_id());  // 4 blocks
      std::lock_guard lock(mutex);
      ids.insert(mine.begin(), mine.end());
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ids.size(), 8000u);

  TraceContext::new_span_id();  // this thread's block is drawn and partly used
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    std::string id = TraceContext::new_span_id();
    ssize_t n = ::write(fds[1], id.data(), id.size());
    _exit(n == 16 ? 0 : 1);
  }
  ::close(fds[1]);
  char buf[16];
  ASSERT_EQ(::read(fds[0], buf, sizeof buf), 16);
  ::close(fds[0]);
  int status = 0;
  ::waitpid(child, &status, 0);
  const std::string from_child(buf, sizeof buf);
  EXPECT_NE(from_child, TraceContext::new_span_id()) << "the child repeated the parent's next id";
}

TEST(TraceContext, RejectsMalformedTraceparents) {
  const char* bad[] = {
      "",
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",           // no flags
      "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",        // upper case
      "00-00000000000000000000000000000000-00f067aa0ba902b7-01",        // zero trace id
      "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",        // zero parent
      "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",        // forbidden version
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",  // v00 must be exact
      "00_4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",        // separator
      "00-4bf92f3577b34da6a3ce929d0e0e473g-00f067aa0ba902b7-01",        // non-hex
  };
  for (const char* v : bad) {
    EXPECT_FALSE(parse_traceparent(v).has_value()) << v;
    auto t = make_trace_context(std::string_view(v));
    EXPECT_TRUE(t.parent_span_id.empty()) << v;  // a fresh trace, not the garbage
  }
}

TEST(TraceContext, AcceptsFutureVersionWithExtraFields) {
  auto p = parse_traceparent("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-what");
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->parent_id, "00f067aa0ba902b7");
}

}  // namespace
}  // namespace bronpoort
