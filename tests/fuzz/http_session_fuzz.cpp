// Raw bytes into the gateway's HTTP/1.1 session (src/server/session.cpp), in process, over a real
// loopback TCP connection: the input is written by a client that then half-closes, and everything
// the server writes is read until it closes. Pipelined requests, chunked bodies, the header and
// body limits and the malformed-target path are all reachable from the bytes. The request handler
// is trivial and decides on the path: `/stream...` answers with a chunked stream (through the
// blocking executor, as exports do), `/later...` answers from a posted callback (as the pipeline
// does from another thread), anything else echoes what the session parsed.
//
// Everything runs on the fuzzer's thread in one io_context; no thread is started. Each input must
// end with the server closing the connection and the session gone. Any outcome is fine except a
// crash, a sanitizer report, an exception, a connection left open (5 s), a session that outlives
// its connection, or server output that is not a sequence of well-formed HTTP/1.1 responses.

#include "session.hpp"  // src/server, internal to the library

#include <bronpoort/observability/metrics.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {

using namespace bronpoort;
namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = net::ip::tcp;

class FewChunks : public ChunkSource {
 public:
  std::optional<std::string> next() override {
    switch (n_++) {
      case 0:
        return std::string("first;");
      case 1:
        return std::string();  // the session must skip it: an empty chunk would end the body
      case 2:
        return std::string(100, 'x');
      default:
        return std::nullopt;
    }
  }

 private:
  int n_ = 0;
};

class Handler : public server::RequestHandler {
 public:
  explicit Handler(net::io_context& ioc) : ioc_(ioc) {}

  void handle(std::shared_ptr<RequestContext> ctx, std::function<void()> done) override {
    auto& res = ctx->response;
    const auto& req = ctx->request;
    res.headers.set("Content-Type", "text/plain");
    if (req.path.rfind("/stream", 0) == 0) {
      res.stream = std::make_shared<FewChunks>();
      return done();
    }
    res.body = req.method + " " + req.path + " q=" + std::to_string(req.query.size()) +
               " h=" + std::to_string(req.headers.entries().size()) +
               " b=" + std::to_string(req.body.size());
    if (req.path.rfind("/later", 0) == 0) return net::post(ioc_, std::move(done));
    done();
  }

 private:
  net::io_context& ioc_;
};

// The blocking pool of the real server, here the same io_context: deterministic, no threads.
class PostingExecutor : public BlockingExecutor {
 public:
  explicit PostingExecutor(net::io_context& ioc) : ioc_(ioc) {}
  void post(std::function<void()> work) override { net::post(ioc_, std::move(work)); }

 private:
  net::io_context& ioc_;
};

config::Limits small_limits() {
  config::Limits l;
  l.max_header_bytes = 2048;  // small, so 431 is reachable from short inputs
  l.max_body_bytes = 4096;    // and 413
  l.header_timeout = std::chrono::milliseconds(250);
  l.body_timeout = std::chrono::milliseconds(250);
  l.idle_timeout = std::chrono::milliseconds(250);
  l.write_timeout = std::chrono::milliseconds(250);
  return l;
}

struct Setup {
  net::io_context ioc{1};
  tcp::acceptor acceptor{ioc, tcp::endpoint(net::ip::address_v4::loopback(), 0)};
  observability::Metrics metrics;
  Handler handler{ioc};
  PostingExecutor blocking{ioc};
  std::shared_ptr<server::SessionHost> host =
      std::make_shared<server::SessionHost>(small_limits(), handler, blocking, metrics);
};

// The server's output must be whole HTTP/1.1 responses, one after another. A HEAD request's
// answer carries a Content-Length without a body, which a parser that does not know the request
// cannot tell apart; inputs that mention HEAD are not checked.
bool well_formed_responses(std::string_view out) {
  while (!out.empty()) {
    http::response_parser<http::string_body> parser;
    parser.eager(true);
    parser.body_limit(boost::none);
    beast::error_code ec;
    while (!parser.is_done()) {
      const std::size_t used = parser.put(net::buffer(out.data(), out.size()), ec);
      out.remove_prefix(used);
      if (ec == http::error::need_more && out.empty()) {
        parser.put_eof(ec);  // a body delimited by the close
        if (ec || !parser.is_done()) return false;
        break;
      }
      if (ec == http::error::need_more) ec = {};
      if (ec) return false;
    }
    if (parser.get().version() != 11) return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static Setup setup;
  const std::string input(reinterpret_cast<const char*>(data), size);

  tcp::socket client(setup.ioc);
  tcp::socket accepted(setup.ioc);
  // Asynchronously, so the reactor retries what libFuzzer's timer signal interrupts (a blocking
  // connect fails with EINTR and leaves the connection half made).
  beast::error_code connect_ec = net::error::would_block;
  beast::error_code accept_ec = net::error::would_block;
  client.async_connect(setup.acceptor.local_endpoint(),
                       [&](beast::error_code ec) { connect_ec = ec; });
  setup.acceptor.async_accept(accepted, [&](beast::error_code ec) { accept_ec = ec; });
  setup.ioc.run();
  setup.ioc.restart();
  if (connect_ec || accept_ec) std::abort();
  std::make_shared<server::Session<server::PlainStream>>(std::move(accepted), setup.host,
                                                         "127.0.0.1")
      ->start();

  beast::error_code ignored;
  net::async_write(client, net::buffer(input), [&](beast::error_code, std::size_t) {
    client.shutdown(tcp::socket::shutdown_send, ignored);
  });
  std::string output;
  bool timed_out = false;
  net::steady_timer deadline(setup.ioc, std::chrono::seconds(5));
  net::async_read(client, net::dynamic_buffer(output, 1 << 20),
                  [&](beast::error_code, std::size_t) { deadline.cancel(); });
  deadline.async_wait([&](beast::error_code ec) {
    if (ec) return;
    timed_out = true;
    client.close(ignored);
  });
  setup.ioc.run();
  setup.ioc.restart();
  if (timed_out) std::abort();  // the server did not close the connection: a hang
  // Reset rather than a FIN: the server side then keeps no TIME_WAIT entry per input.
  client.set_option(net::socket_base::linger(true, 0), ignored);
  client.close(ignored);
  if (setup.host->active() != 0) std::abort();  // a session outlived its connection
  if (input.find("HEAD") == std::string::npos && !well_formed_responses(output)) std::abort();
  return 0;
}
