// The HTTP transport to one upstream: a bounded keep-alive connection pool on one executor, with
// connect and read timeouts, optional TLS with certificate and host-name verification, and every
// transport fault mapped to a problem (502 source-unavailable, 504 source-timeout, 502
// source-response-too-large / source-invalid-response).
#include "http_connector.hpp"

#include <bronpoort/common/log.hpp>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <atomic>
#include <deque>

namespace bronpoort::sources {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr std::size_t kMaxWaiters = 4096;
constexpr auto kMaxIdle = std::chrono::seconds(30);

// One pooled connection, plain or TLS.
struct Connection {
  std::unique_ptr<beast::tcp_stream> plain;
  std::unique_ptr<beast::ssl_stream<beast::tcp_stream>> secure;
  beast::flat_buffer buffer;
  bool reused = false;
  std::chrono::steady_clock::time_point idle_since;

  beast::tcp_stream& tcp() { return secure ? beast::get_lowest_layer(*secure) : *plain; }
  template <typename F>
  void with_stream(F&& f) {
    if (secure) {
      f(*secure);
    } else {
      f(*plain);
    }
  }
};

Problem unreachable(const std::string& what) {
  return make_problem(
      502, "source-unavailable",
      "The source holder's system cannot be reached (" + what + "). Try again later.");
}

Problem timed_out() {
  return make_problem(504, "source-timeout", "The source holder's system did not answer in time.");
}

class Upstream;

// One request/response on a pooled connection; retried once on a fresh connection when a reused
// keep-alive connection turns out to be closed by the upstream before it answered.
class Exchange : public std::enable_shared_from_this<Exchange> {
 public:
  Exchange(std::shared_ptr<Upstream> up, UpstreamRequest req, UpstreamDone done)
      : upstream_(std::move(up)), request_(std::move(req)), done_(std::move(done)) {}
  void start();
  void on_connection(std::unique_ptr<Connection> c, std::optional<Problem> problem);

 private:
  void write();
  void read_more();
  void on_read(beast::error_code ec);
  void fail(beast::error_code ec, bool connecting);
  void finish(UpstreamResponse r);

  std::shared_ptr<Upstream> upstream_;
  UpstreamRequest request_;
  UpstreamDone done_;
  std::unique_ptr<Connection> conn_;
  std::string bytes_;  // the request as sent (upstream_request_bytes)
  std::optional<http::response_parser<http::string_body>> parser_;
  int attempts_ = 0;
};

class Upstream : public HttpUpstream, public std::enable_shared_from_this<Upstream> {
 public:
  // `single_thread`: only one thread runs `io` (a server I/O thread's context), which then
  // serialises the pool's work by itself; otherwise the pool's work goes through a strand.
  Upstream(asio::io_context& io, const HttpConnectorConfig& cfg, bool single_thread)
      : executor_(single_thread ? asio::any_io_executor(io.get_executor())
                                : asio::any_io_executor(asio::make_strand(io))),
        config_(cfg),
        ssl_(asio::ssl::context::tls_client) {
    if (cfg.tls) {
      ssl_.set_verify_mode(asio::ssl::verify_peer);
      beast::error_code ec;
      if (cfg.ca_file.empty()) {
        ssl_.set_default_verify_paths(ec);
      } else {
        ssl_.load_verify_file(cfg.ca_file, ec);
      }
      if (ec)
        common::log_event(common::Level::Error, "source-ca-load-failed",
                          {{"host", cfg.host}, {"error", ec.message()}});
    }
  }

  void exchange(UpstreamRequest request, UpstreamDone done) override {
    auto ex = std::make_shared<Exchange>(shared_from_this(), std::move(request), std::move(done));
    asio::post(executor_, [ex] { ex->start(); });
  }

  const HttpConnectorConfig& config() const { return config_; }
  // On the executor: hands a connection to `ex` now, or when one becomes free.
  void acquire(std::shared_ptr<Exchange> ex, bool fresh) {
    auto now = std::chrono::steady_clock::now();
    while (!fresh && !idle_.empty()) {
      auto c = std::move(idle_.back());
      idle_.pop_back();
      if (now - c->idle_since < kMaxIdle) {
        c->reused = true;
        return ex->on_connection(std::move(c), std::nullopt);
      }
      --open_;  // too old: the upstream has probably closed it
    }
    if (open_ < config_.max_connections) {
      ++open_;
      return connect(std::move(ex));
    }
    if (waiters_.size() >= kMaxWaiters) {
      return ex->on_connection(nullptr, make_problem(503, "source-busy",
                                                     "Too many requests are waiting for this "
                                                     "source holder. Try again shortly."));
    }
    waiters_.push_back(std::move(ex));
  }

  // On the executor: a connection is free again (`c` null when it was closed).
  void release(std::unique_ptr<Connection> c) {
    if (!c) {
      --open_;
    } else if (!waiters_.empty()) {
      auto ex = std::move(waiters_.front());
      waiters_.pop_front();
      c->reused = true;
      return ex->on_connection(std::move(c), std::nullopt);
    } else {
      c->idle_since = std::chrono::steady_clock::now();
      idle_.push_back(std::move(c));
      return;
    }
    if (!waiters_.empty() && open_ < config_.max_connections) {
      auto ex = std::move(waiters_.front());
      waiters_.pop_front();
      ++open_;
      connect(std::move(ex));
    }
  }

 private:
  void connect(std::shared_ptr<Exchange> ex) {
    auto c = std::make_unique<Connection>();
    if (config_.tls) {
      c->secure = std::make_unique<beast::ssl_stream<beast::tcp_stream>>(executor_, ssl_);
      // SNI and host-name verification against the configured host.
      SSL_set_tlsext_host_name(c->secure->native_handle(), config_.host.c_str());
      c->secure->set_verify_callback(asio::ssl::host_name_verification(config_.host));
    } else {
      c->plain = std::make_unique<beast::tcp_stream>(executor_);
    }
    auto resolver = std::make_shared<tcp::resolver>(executor_);
    auto self = shared_from_this();
    resolver->async_resolve(
        config_.host, config_.port,
        [self, resolver, ex, c = std::move(c)](beast::error_code ec,
                                               tcp::resolver::results_type results) mutable {
          if (ec) return self->connect_failed(ex, unreachable("name lookup failed"));
          auto* conn = c.get();
          conn->tcp().expires_after(self->config_.connect_timeout);
          conn->tcp().async_connect(
              results,
              [self, ex, c = std::move(c)](beast::error_code cec, const tcp::endpoint&) mutable {
                if (cec == beast::error::timeout) return self->connect_failed(ex, timed_out());
                if (cec) return self->connect_failed(ex, unreachable("connection refused"));
                if (!c->secure) return ex->on_connection(std::move(c), std::nullopt);
                auto* sc = c.get();
                sc->secure->async_handshake(
                    asio::ssl::stream_base::client,
                    [self, ex, c = std::move(c)](beast::error_code hec) mutable {
                      if (hec == beast::error::timeout)
                        return self->connect_failed(ex, timed_out());
                      if (hec) {
                        common::log_event(common::Level::Warn, "source-tls-handshake-failed",
                                          {{"host", self->config_.host}, {"error", hec.message()}});
                        return self->connect_failed(ex, unreachable("TLS handshake failed"));
                      }
                      ex->on_connection(std::move(c), std::nullopt);
                    });
              });
        });
  }

  void connect_failed(const std::shared_ptr<Exchange>& ex, Problem p) {
    --open_;
    ex->on_connection(nullptr, std::move(p));
  }

  asio::any_io_executor executor_;
  HttpConnectorConfig config_;
  asio::ssl::context ssl_;
  std::vector<std::unique_ptr<Connection>> idle_;
  std::deque<std::shared_ptr<Exchange>> waiters_;
  std::size_t open_ = 0;
};

void Exchange::start() {
  upstream_->acquire(shared_from_this(), false);
}

void Exchange::on_connection(std::unique_ptr<Connection> c, std::optional<Problem> problem) {
  ++attempts_;
  if (!c) return finish(UpstreamResponse{std::move(problem), 0, {}});
  conn_ = std::move(c);
  write();
}

void Exchange::write() {
  const auto& cfg = upstream_->config();
  bytes_ = upstream_request_bytes(request_, cfg.host + ":" + cfg.port);
  parser_.emplace();
  parser_->body_limit(request_.max_response_bytes);
  parser_->header_limit(64 * 1024);
  conn_->buffer.clear();
  // One deadline for writing the request and reading the whole response.
  conn_->tcp().expires_after(request_.read_timeout);
  auto self = shared_from_this();
  conn_->with_stream([&](auto& stream) {
    asio::async_write(stream, asio::buffer(bytes_), [self](beast::error_code ec, std::size_t) {
      if (ec) return self->fail(ec, false);
      self->read_more();
    });
  });
}

// Reads the header, then the body piece by piece. The size limit is checked here on every piece:
// Beast 1.74's parser body_limit did not stop a 16 MB body in our tests.
void Exchange::read_more() {
  auto self = shared_from_this();
  conn_->with_stream([&](auto& s) {
    auto handler = [self](beast::error_code ec, std::size_t) {
      if (ec) return self->fail(ec, false);
      auto& p = *self->parser_;
      auto limit = self->request_.max_response_bytes;
      bool too_large =
          (p.content_length() && *p.content_length() > limit) || p.get().body().size() > limit;
      if (too_large) return self->fail(http::error::body_limit, false);
      if (p.is_done()) return self->on_read({});
      self->read_more();
    };
    if (!parser_->is_header_done()) {
      http::async_read_header(s, conn_->buffer, *parser_, handler);
    } else {
      http::async_read_some(s, conn_->buffer, *parser_, handler);
    }
  });
}

void Exchange::on_read(beast::error_code ec) {
  if (ec) return fail(ec, false);
  auto& res = parser_->get();
  UpstreamResponse r;
  r.status = static_cast<int>(res.result_int());
  r.body = std::move(res.body());
  bool keep = res.keep_alive();
  conn_->tcp().expires_never();
  upstream_->release(keep ? std::move(conn_) : nullptr);
  finish(std::move(r));
}

void Exchange::fail(beast::error_code ec, bool) {
  bool stale =
      conn_ && conn_->reused && parser_ && !parser_->got_some() && ec != beast::error::timeout;
  conn_.reset();
  upstream_->release(nullptr);
  if (stale && attempts_ < 2) {
    // The upstream closed an idle keep-alive connection; nothing was processed: try a fresh one.
    return upstream_->acquire(shared_from_this(), true);
  }
  UpstreamResponse r;
  if (ec == beast::error::timeout) {
    r.problem = timed_out();
  } else if (ec == http::error::body_limit || ec == http::error::header_limit ||
             ec == http::error::buffer_overflow) {
    r.problem = make_problem(502, "source-response-too-large",
                             "The source holder's answer is larger than the configured maximum.");
  } else if (ec == http::error::end_of_stream || ec == asio::error::eof ||
             ec == asio::error::connection_reset || ec == asio::error::broken_pipe ||
             ec == http::error::partial_message || ec == asio::ssl::error::stream_truncated) {
    r.problem = unreachable("connection closed before a complete answer");
  } else if (ec.category() == beast::error_code(http::error::bad_target).category() ||
             ec == http::error::bad_version) {
    r.problem = make_problem(502, "source-invalid-response",
                             "The source holder's system did not answer with valid HTTP.");
  } else {
    r.problem = unreachable(ec.message());
  }
  finish(std::move(r));
}

void Exchange::finish(UpstreamResponse r) {
  auto done = std::move(done_);
  done_ = nullptr;
  if (done) done(std::move(r));
}

// One pool per server I/O thread, each with its share of max_connections. A call made on an I/O
// thread uses that thread's pool, so the exchange and what the request does with its answer run
// on the thread that reads and writes the client's connection: no hand-off to an upstream thread
// and back. A call from any other thread (the blocking pool, a linked query's input calls) takes
// the pools in turn.
class PerThreadUpstream : public HttpUpstream {
 public:
  PerThreadUpstream(net::IoThreads& threads, const HttpConnectorConfig& config)
      : threads_(threads) {
    HttpConnectorConfig share = config;
    share.max_connections = config.max_connections / threads.size();
    for (std::size_t i = 0; i < threads.size(); ++i) {
      pools_.push_back(std::make_shared<Upstream>(threads.context(i), share, true));
    }
  }

  void exchange(UpstreamRequest request, UpstreamDone done) override {
    auto home = threads_.current();
    std::size_t i = home ? *home : next_.fetch_add(1, std::memory_order_relaxed) % pools_.size();
    pools_[i]->exchange(std::move(request), std::move(done));
  }

 private:
  net::IoThreads& threads_;
  std::vector<std::shared_ptr<Upstream>> pools_;
  std::atomic<std::size_t> next_{0};
};

}  // namespace

std::string upstream_request_bytes(const UpstreamRequest& request, const std::string& host_port) {
  const bool post = request.method == "POST";
  std::string out;
  out.reserve(160 + request.target.size() + request.traceparent.size() + request.body.size());
  out += post ? "POST " : "GET ";
  out += request.target;
  out += " HTTP/1.1\r\nHost: ";
  out += host_port;
  out += "\r\nUser-Agent: bronpoort\r\nAccept: application/json\r\n";
  if (!request.traceparent.empty()) {
    out += "traceparent: ";
    out += request.traceparent;
    out += "\r\n";
  }
  if (post) {
    out += "Content-Type: application/json\r\nContent-Length: ";
    out += std::to_string(request.body.size());
    out += "\r\n";
  }
  out += "\r\n";
  if (post) out += request.body;
  return out;
}

std::shared_ptr<HttpUpstream> make_http_upstream(HttpClientContext& context,
                                                 const HttpConnectorConfig& config) {
  const auto& threads = context.io_threads();
  // Per-thread pools only when every one can have a connection of its own within the cap.
  if (threads && threads->size() > 1 && config.max_connections >= threads->size()) {
    return std::make_shared<PerThreadUpstream>(*threads, config);
  }
  if (threads && threads->size() == 1) {
    return std::make_shared<Upstream>(threads->context(0), config, true);
  }
  return std::make_shared<Upstream>(*static_cast<asio::io_context*>(context.io()), config, false);
}

}  // namespace bronpoort::sources
