// What a request holds (its organisation's concurrency slot) is released once its answer is
// written, before the next request on the connection is read, even while another thread still
// has a reference to the request's context (as the log writer has, briefly, after handing on a
// request's completion). Otherwise a client that sends its next request as soon as it has the
// answer can find its organisation's slot still taken and get a 429.

#include <bronpoort/net/io_threads.hpp>
#include <bronpoort/observability/metrics.hpp>
#include <bronpoort/server/http_server.hpp>

#include <gtest/gtest.h>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <atomic>
#include <mutex>
#include <thread>

namespace bronpoort::server {
namespace {

namespace http = boost::beast::http;
using tcp = boost::asio::ip::tcp;

class Inline : public BlockingExecutor {
 public:
  void post(std::function<void()> work) override { work(); }
};

// Takes a hold for each request, answers with how many holds were released before it, and keeps
// every context alive until the test ends.
class KeepingHandler : public RequestHandler {
 public:
  void handle(std::shared_ptr<RequestContext> ctx, std::function<void()> done) override {
    ctx->holds.push_back(std::shared_ptr<void>(
        &released_, [](void* n) { static_cast<std::atomic<int>*>(n)->fetch_add(1); }));
    ctx->response.status = 200;
    ctx->response.headers.set("Content-Type", "text/plain");
    ctx->response.body = std::to_string(released_.load());
    {
      std::lock_guard lock(mu_);
      kept_.push_back(ctx);
    }
    done();
  }
  int released() const { return released_.load(); }

 private:
  std::atomic<int> released_{0};
  std::mutex mu_;
  std::vector<std::shared_ptr<RequestContext>> kept_;
};

TEST(RequestHolds, AreReleasedWhenTheAnswerIsWrittenWhileTheContextLivesOn) {
  net::IoThreads io(1);
  observability::Metrics metrics;
  Inline blocking;
  KeepingHandler handler;
  config::ServerConfig cfg;
  cfg.threads = 1;
  cfg.listeners.push_back({"127.0.0.1", 0, std::nullopt});
  HttpServer server(cfg, io, handler, blocking, metrics);
  ASSERT_EQ(server.listen(), std::nullopt);
  std::thread runner([&] { server.run(); });

  boost::asio::io_context client_io;
  tcp::socket socket(client_io);
  socket.connect({boost::asio::ip::make_address("127.0.0.1"), server.ports().at(0)});
  boost::beast::flat_buffer buffer;
  for (int i = 0; i < 3; ++i) {
    http::request<http::string_body> req(http::verb::get, "/r" + std::to_string(i), 11);
    req.set(http::field::host, "localhost");
    req.keep_alive(true);
    http::write(socket, req);
    http::response<http::string_body> res;
    http::read(socket, buffer, res);
    EXPECT_EQ(res.result_int(), 200);
    // Request i is handled after the i answers before it were written: their holds are gone,
    // although the handler still keeps their contexts.
    EXPECT_EQ(res.body(), std::to_string(i)) << "request " << i;
  }
  socket.close();
  server.shutdown(std::chrono::milliseconds(2000));
  runner.join();
  EXPECT_EQ(handler.released(), 3);
}

}  // namespace
}  // namespace bronpoort::server
