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
  boost::asio::post(impl_->pool, std::move(work));
}

void ThreadPoolExecutor::join() {
  impl_->pool.join();
}

}  // namespace bronpoort::net
