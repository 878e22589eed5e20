#pragma once
// A fixed-size pool of threads for blocking work (database calls, fsync, file reads), so that
// the I/O threads never block.

#include <bronpoort/core/stage.hpp>

#include <memory>

namespace bronpoort::net {

class ThreadPoolExecutor final : public BlockingExecutor {
 public:
  explicit ThreadPoolExecutor(std::size_t threads);
  ~ThreadPoolExecutor() override;
  void post(std::function<void()> work) override;
  // Waits for queued work to finish and stops the threads.
  void join();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace bronpoort::net
