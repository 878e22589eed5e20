#pragma once
// The gateway's I/O threads: one io_context per thread. A client connection is placed on one
// context when it is accepted and stays there; the upstream calls it starts use that context's
// own connection pools (sources/http_upstream.cpp), so a request is read, sent upstream, answered
// and written on one thread instead of being handed to an upstream thread and back.

#include <boost/asio/io_context.hpp>

#include <atomic>
#include <cstddef>
#include <memory>
#include <optional>
#include <vector>

namespace bronpoort::net {

class IoThreads {
 public:
  // `threads` contexts; 0 means one per core.
  explicit IoThreads(unsigned threads);
  ~IoThreads();
  IoThreads(const IoThreads&) = delete;
  IoThreads& operator=(const IoThreads&) = delete;

  std::size_t size() const { return contexts_.size(); }
  boost::asio::io_context& context(std::size_t i) { return *contexts_[i]; }
  // The context for a new connection, round robin.
  boost::asio::io_context& next();
  // Which of these contexts the calling thread runs, if it is one of these threads.
  std::optional<std::size_t> current() const;

  // Runs every context, one thread each (context 0 on the caller, which keeps its name); returns
  // once stop() was called and every thread has finished.
  void run();
  // Ends run(): the contexts stop, abandoning what is still queued.
  void stop();

 private:
  std::vector<std::unique_ptr<boost::asio::io_context>> contexts_;
  std::vector<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_;
  std::atomic<std::size_t> next_{0};
};

}  // namespace bronpoort::net
