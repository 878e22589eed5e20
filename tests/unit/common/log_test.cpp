// The structured log writes standard error in blocks: lines reach it within the flush interval, a
// warning at once together with the lines before it, and everything left when the process ends.
// Each case runs in a forked child whose standard error is a pipe the test reads.

#include <bronpoort/common/log.hpp>

#include <gtest/gtest.h>

#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>

namespace bronpoort::common {
namespace {

using namespace std::chrono_literals;

struct Child {
  pid_t pid = -1;
  int out = -1;  // the child's standard error

  // Everything the child writes until `within` passes without the text containing `expected`.
  std::string read_until(const std::string& expected, std::chrono::milliseconds within) {
    std::string text;
    const auto deadline = std::chrono::steady_clock::now() + within;
    while (text.find(expected) == std::string::npos) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) break;
      pollfd p{out, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
      char buf[4096];
      ssize_t n = ::read(out, buf, sizeof buf);
      if (n <= 0) break;
      text.append(buf, static_cast<std::size_t>(n));
    }
    return text;
  }

  int wait() {
    int status = 0;
    ::waitpid(pid, &status, 0);
    ::close(out);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
};

template <class Body>
Child spawn(Body body) {
  int fds[2];
  EXPECT_EQ(::pipe(fds), 0);
  Child c;
  c.pid = ::fork();
  if (c.pid == 0) {
    ::close(fds[0]);
    ::dup2(fds[1], STDERR_FILENO);
    init_logging("info");
    body();
    std::exit(0);  // static destruction writes what is still buffered
  }
  ::close(fds[1]);
  c.out = fds[0];
  return c;
}

TEST(StructuredLog, InfoLinesArriveWithinTheFlushInterval) {
  auto child = spawn([] {
    log_event(Level::Info, "first", {});
    log_event(Level::Info, "second", {});
    std::this_thread::sleep_for(3s);  // the lines must not wait for the exit
  });
  auto text = child.read_until("\"second\"", 1500ms);
  EXPECT_NE(text.find("\"event\":\"first\""), std::string::npos) << text;
  EXPECT_LT(text.find("\"first\""), text.find("\"second\"")) << text;
  ::kill(child.pid, SIGKILL);
  child.wait();
}

TEST(StructuredLog, AWarningIsWrittenAtOnceWithTheLinesBeforeIt) {
  auto child = spawn([] {
    log_event(Level::Info, "before", {});
    log_event(Level::Warn, "trouble", {});
    std::this_thread::sleep_for(3s);
  });
  // Well inside the flush interval's worth of scheduling on a loaded machine, yet far less than
  // the three seconds the child sleeps.
  auto text = child.read_until("\"trouble\"", 1000ms);
  EXPECT_NE(text.find("\"before\""), std::string::npos) << text;
  EXPECT_NE(text.find("\"trouble\""), std::string::npos) << text;
  ::kill(child.pid, SIGKILL);
  child.wait();
}

TEST(StructuredLog, EverythingBufferedIsWrittenWhenTheProcessEnds) {
  auto child = spawn([] {
    for (int i = 0; i < 5000; ++i) log_event(Level::Info, "line", {{"n", i}});
  });
  auto text = child.read_until("\"n\":4999", 10s);
  EXPECT_EQ(child.wait(), 0);
  std::size_t lines = 0;
  for (std::size_t at = text.find("\"event\":\"line\""); at != std::string::npos;
       at = text.find("\"event\":\"line\"", at + 1)) {
    ++lines;
  }
  EXPECT_EQ(lines, 5000u);
}

}  // namespace
}  // namespace bronpoort::common
