#include <bronpoort/core/stage.hpp>
#include <bronpoort/net/thread_pool_executor.hpp>

#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>

namespace bronpoort::net {

struct ThreadPoolExecutor::Impl {
  explicit Impl(std::size_t n) : pool(n) {}
  boost::asio::thread_pool pool;
};

ThreadPoolExecutor::ThreadPoolExecutor(std::size_t threads)
    : impl_(std::make_unique<Impl>(threads == 0 ? 1 : threads)) {}

ThreadPoolExecutor::~ThreadPoolExecutor() {
  join();
}

void ThreadPoolExecutor::post(std::function<void()> work) {
  // A task that throws must not end the process: the throw is reported and the task destroyed
  // (which answers a request whose completion it held, see sources/fetch_stage.cpp).
  boost::asio::post(impl_->pool, [work = std::move(work)]() noexcept {
    try {
      work();
    } catch (const std::exception& e) {
      report_failure("blocking-pool", e.what());
    } catch (...) {
      report_failure("blocking-pool", "unknown exception");
    }
  });
}

void ThreadPoolExecutor::join() {
  impl_->pool.join();
}

}  // namespace bronpoort::net
