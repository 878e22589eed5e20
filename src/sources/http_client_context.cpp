// The I/O threads shared by every HTTP upstream pool of a SourceRuntime.
#include "http_connector.hpp"

#include <bronpoort/core/thread_name.hpp>
#include <bronpoort/net/run_loop.hpp>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <algorithm>
#include <thread>
#include <vector>

namespace bronpoort::sources {

namespace asio = boost::asio;

struct HttpClientContext::Impl {
  asio::io_context io;
  asio::executor_work_guard<asio::io_context::executor_type> work{io.get_executor()};
  std::vector<std::thread> threads;
  std::shared_ptr<net::IoThreads> io_threads;
};

HttpClientContext::HttpClientContext(std::size_t threads,
                                     std::shared_ptr<net::IoThreads> io_threads)
    : impl_(std::make_unique<Impl>()) {
  impl_->io_threads = std::move(io_threads);
  for (std::size_t i = 0; i < std::max<std::size_t>(1, threads); ++i) {
    impl_->threads.emplace_back([this] {
      name_this_thread("upstream-io");
      net::run_reporting_failures(impl_->io, "upstream-io");
    });
  }
}

HttpClientContext::~HttpClientContext() {
  stop();
}

void HttpClientContext::stop() {
  impl_->work.reset();
  impl_->io.stop();
  for (auto& t : impl_->threads) {
    if (t.joinable()) t.join();
  }
}

void* HttpClientContext::io() {
  return &impl_->io;
}

const std::shared_ptr<net::IoThreads>& HttpClientContext::io_threads() const {
  return impl_->io_threads;
}

}  // namespace bronpoort::sources
