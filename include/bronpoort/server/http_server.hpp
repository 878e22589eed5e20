#pragma once
// The HTTP/1.1 server (Boost.Beast/Asio): accepts connections, reads requests within the
// configured limits, hands each to a RequestHandler and writes the answer. It decides nothing
// about what to answer. Beast stays behind this header.

#include <bronpoort/config/gateway_config.hpp>
#include <bronpoort/core/request_context.hpp>
#include <bronpoort/core/stage.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace bronpoort::observability {
class Metrics;
}
namespace bronpoort::net {
class IoThreads;
}

namespace bronpoort::server {

class RequestHandler {
 public:
  virtual ~RequestHandler() = default;
  // Processes one request; calls `done` exactly once, from any thread, when ctx->response is
  // ready to send.
  virtual void handle(std::shared_ptr<RequestContext> ctx, std::function<void()> done) = 0;
};

class HttpServer {
 public:
  // Connections are spread over `io`'s contexts (config.threads is what `io` was made with); `io`
  // must outlive the server and whatever else runs on it (the upstream pools).
  HttpServer(config::ServerConfig config, net::IoThreads& io, RequestHandler& handler,
             BlockingExecutor& blocking, observability::Metrics& metrics);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds every listener (and loads TLS material); an error text instead of an exception.
  std::optional<std::string> listen();
  // The bound port of each listener, in config order (useful with port 0).
  std::vector<std::uint16_t> ports() const;

  // Calls `handler(signal_number)` on an I/O thread for SIGTERM, SIGINT and SIGHUP. Call it before
  // listen(): a client that sees the port may signal at once.
  void on_signal(std::function<void(int)> handler);

  // Runs the I/O threads; returns after shutdown() has finished draining.
  void run();

  // Stops accepting, closes idle connections, lets in-flight requests finish (their connections
  // close after the response) and stops once none remain or `grace` has passed.
  void shutdown(std::chrono::milliseconds grace);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace bronpoort::server
