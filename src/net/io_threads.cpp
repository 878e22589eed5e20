#include <bronpoort/core/thread_name.hpp>
#include <bronpoort/net/io_threads.hpp>
#include <bronpoort/net/run_loop.hpp>

#include <algorithm>
#include <thread>

namespace bronpoort::net {
namespace {

struct Running {
  const IoThreads* owner = nullptr;
  std::size_t index = 0;
};
thread_local Running running;

}  // namespace

IoThreads::IoThreads(unsigned threads) {
  const unsigned n = threads ? threads : std::max(1u, std::thread::hardware_concurrency());
  for (unsigned i = 0; i < n; ++i) {
    // One thread per context: no locking inside Asio's scheduler.
    contexts_.push_back(std::make_unique<boost::asio::io_context>(1));
    work_.push_back(boost::asio::make_work_guard(*contexts_.back()));
  }
}

IoThreads::~IoThreads() {
  stop();
}

boost::asio::io_context& IoThreads::next() {
  return *contexts_[next_.fetch_add(1, std::memory_order_relaxed) % contexts_.size()];
}

std::optional<std::size_t> IoThreads::current() const {
  if (running.owner != this) return std::nullopt;
  return running.index;
}

void IoThreads::run() {
  std::vector<std::thread> threads;
  for (std::size_t i = 1; i < contexts_.size(); ++i) {
    threads.emplace_back([this, i] {
      name_this_thread("server-io");
      running = {this, i};
      run_reporting_failures(*contexts_[i], "server-io");
    });
  }
  running = {this, 0};
  run_reporting_failures(*contexts_[0], "server-io");
  running = {};
  for (auto& t : threads) t.join();
}

void IoThreads::stop() {
  for (auto& w : work_) w.reset();
  for (auto& c : contexts_) c->stop();
}

}  // namespace bronpoort::net
