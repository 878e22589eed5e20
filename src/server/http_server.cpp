#include <bronpoort/net/io_threads.hpp>
#include <bronpoort/observability/logging.hpp>
#include <bronpoort/observability/metrics.hpp>
#include <bronpoort/server/http_server.hpp>

#include "session.hpp"
#include "tls.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/strand.hpp>
#include <nlohmann/json.hpp>

#include <csignal>
#include <thread>

namespace bronpoort::server {

namespace net = boost::asio;
using boost::system::error_code;
using tcp = net::ip::tcp;

void SessionHost::add(const SessionBase* key, std::weak_ptr<SessionBase> session) {
  std::lock_guard lock(mu_);
  sessions_[key] = std::move(session);
}

void SessionHost::remove(const SessionBase* key) {
  std::lock_guard lock(mu_);
  sessions_.erase(key);
}

bool SessionHost::admit(const std::string& address) {
  std::shared_ptr<SessionBase> evict;
  {
    std::lock_guard lock(mu_);
    const auto it = per_address_.find(address);
    if (it != per_address_.end() && it->second >= limits.max_connections_per_address) {
      metrics.connection_refused("per-address");
      return false;
    }
    if (admitted_ >= limits.max_connections) {
      evict = longest_idle_locked();
      if (!evict) {
        metrics.connection_refused("capacity");
        return false;
      }
    }
    ++per_address_[address];
    ++admitted_;
  }
  // The evicted connection closes on its own strand; until then the count is one over the cap.
  if (evict) {
    evict->close_if_idle();
    metrics.connection_evicted();
  }
  return true;
}

void SessionHost::release(const std::string& address) {
  std::lock_guard lock(mu_);
  if (admitted_ > 0) --admitted_;
  auto it = per_address_.find(address);
  if (it != per_address_.end() && --it->second == 0) per_address_.erase(it);
}

std::shared_ptr<SessionBase> SessionHost::longest_idle_locked() const {
  std::shared_ptr<SessionBase> oldest;
  std::int64_t oldest_since = 0;
  for (const auto& [key, weak] : sessions_) {
    const std::int64_t since = key->idle_since.load(std::memory_order_relaxed);
    if (since == 0 || (oldest && since >= oldest_since)) continue;
    if (auto s = weak.lock()) {
      oldest = std::move(s);
      oldest_since = since;
    }
  }
  return oldest;
}

std::size_t SessionHost::active() const {
  std::lock_guard lock(mu_);
  return sessions_.size();
}

void SessionHost::drain_all() {
  std::vector<std::shared_ptr<SessionBase>> live;
  {
    std::lock_guard lock(mu_);
    for (auto& [key, weak] : sessions_) {
      if (auto s = weak.lock()) live.push_back(std::move(s));
    }
  }
  for (auto& s : live) s->drain();
}

namespace {

class Listener : public std::enable_shared_from_this<Listener> {
 public:
  Listener(bronpoort::net::IoThreads& io, std::shared_ptr<SessionHost> host,
           std::shared_ptr<net::ssl::context> tls)
      : io_(io),
        acceptor_(io.context(0)),
        retry_(io.context(0)),
        host_(std::move(host)),
        tls_(std::move(tls)) {}

  std::optional<std::string> bind(const config::ListenerConfig& cfg) {
    error_code ec;
    auto address = net::ip::make_address(cfg.address, ec);
    if (ec) return "invalid listener address " + cfg.address;
    tcp::endpoint endpoint(address, cfg.port);
    acceptor_.open(endpoint.protocol(), ec);
    if (!ec) acceptor_.set_option(net::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_.bind(endpoint, ec);
    if (!ec) acceptor_.listen(net::socket_base::max_listen_connections, ec);
    if (ec)
      return "cannot listen on " + cfg.address + ":" + std::to_string(cfg.port) + ": " +
             ec.message();
    port_ = acceptor_.local_endpoint().port();
    return std::nullopt;
  }

  std::uint16_t port() const { return port_; }
  bool tls() const { return tls_ != nullptr; }
  void start() { do_accept(); }
  void stop() {
    net::post(acceptor_.get_executor(), [self = shared_from_this()] {
      error_code ignored;
      self->acceptor_.close(ignored);
      self->retry_.cancel();
    });
  }

 private:
  void do_accept() {
    // Each connection on the next I/O thread's context, for its whole life. That context runs on
    // one thread only (net::IoThreads), so the connection's handlers never overlap without a
    // strand, and its executor is the context's own: no strand to enter per handler, and a small
    // executor that Asio copies in place rather than by reference count.
    acceptor_.async_accept(io_.next().get_executor(),
                           [self = shared_from_this()](error_code ec, tcp::socket socket) {
                             self->on_accept(ec, std::move(socket));
                           });
  }

  void on_accept(error_code ec, tcp::socket socket) {
    if (ec == net::error::operation_aborted || !acceptor_.is_open()) return;
    if (ec) {
      // Out of descriptors or similar: back off briefly instead of spinning.
      observability::log_event(observability::Level::Warn, "accept-failed",
                               {{"error", ec.message()}});
      retry_.expires_after(std::chrono::milliseconds(50));
      retry_.async_wait([self = shared_from_this()](error_code e) {
        if (!e) self->do_accept();
      });
      return;
    }
    error_code peer_ec;
    const auto peer = socket.remote_endpoint(peer_ec);
    const std::string address = peer_ec ? std::string() : peer.address().to_string();
    if (host_->draining || peer_ec || !host_->admit(address)) {
      error_code ignored;
      socket.close(ignored);
    } else if (tls_) {
      std::make_shared<Session<TlsStream>>(std::move(socket), *tls_, host_, address)->start();
    } else {
      std::make_shared<Session<PlainStream>>(std::move(socket), host_, address)->start();
    }
    do_accept();
  }

  bronpoort::net::IoThreads& io_;
  tcp::acceptor acceptor_;
  net::steady_timer retry_;
  std::shared_ptr<SessionHost> host_;
  std::shared_ptr<net::ssl::context> tls_;
  std::uint16_t port_ = 0;
};

}  // namespace

struct HttpServer::Impl {
  Impl(config::ServerConfig c, bronpoort::net::IoThreads& threads, RequestHandler& handler,
       BlockingExecutor& blocking, observability::Metrics& metrics)
      : cfg(std::move(c)),
        io(threads),
        host(std::make_shared<SessionHost>(cfg.limits, handler, blocking, metrics)),
        signals(io.context(0)),
        drain_timer(io.context(0)) {}

  void check_drained(std::chrono::steady_clock::time_point deadline) {
    if (host->active() == 0 || std::chrono::steady_clock::now() >= deadline) {
      if (host->active() > 0) {
        observability::log_event(observability::Level::Warn, "shutdown-deadline",
                                 {{"openConnections", host->active()}});
      }
      signals.cancel();
      io.stop();
      return;
    }
    drain_timer.expires_after(std::chrono::milliseconds(20));
    drain_timer.async_wait([this, deadline](error_code ec) {
      if (!ec) check_drained(deadline);
    });
  }

  config::ServerConfig cfg;
  bronpoort::net::IoThreads& io;
  std::shared_ptr<SessionHost> host;
  std::vector<std::shared_ptr<Listener>> listeners;
  net::signal_set signals;
  std::function<void(int)> signal_handler;
  net::steady_timer drain_timer;
  bool shutting_down = false;

  void wait_signal() {
    signals.async_wait([this](error_code ec, int signo) {
      if (ec) return;
      if (signal_handler) signal_handler(signo);
      if (!shutting_down) wait_signal();
    });
  }
};

HttpServer::HttpServer(config::ServerConfig config, bronpoort::net::IoThreads& io,
                       RequestHandler& handler, BlockingExecutor& blocking,
                       observability::Metrics& metrics)
    : impl_(std::make_unique<Impl>(std::move(config), io, handler, blocking, metrics)) {}

HttpServer::~HttpServer() = default;

std::optional<std::string> HttpServer::listen() {
  for (const auto& lc : impl_->cfg.listeners) {
    std::shared_ptr<net::ssl::context> tls;
    if (lc.tls) {
      std::string error;
      tls = make_server_tls_context(*lc.tls, error);
      if (!tls) return error;
    }
    auto listener = std::make_shared<Listener>(impl_->io, impl_->host, tls);
    if (auto err = listener->bind(lc)) return err;
    observability::log_event(observability::Level::Info, "listening",
                             {{"address", lc.address},
                              {"port", listener->port()},
                              {"tls", lc.tls.has_value()},
                              {"mutualTls", lc.tls && lc.tls->require_client_certificate}});
    impl_->listeners.push_back(std::move(listener));
  }
  for (auto& l : impl_->listeners) l->start();
  return std::nullopt;
}

std::vector<std::uint16_t> HttpServer::ports() const {
  std::vector<std::uint16_t> out;
  for (const auto& l : impl_->listeners) out.push_back(l->port());
  return out;
}

void HttpServer::on_signal(std::function<void(int)> handler) {
  impl_->signal_handler = std::move(handler);
  impl_->signals.add(SIGTERM);
  impl_->signals.add(SIGINT);
  impl_->signals.add(SIGHUP);
  impl_->wait_signal();
}

void HttpServer::run() {
  impl_->io.run();
}

void HttpServer::shutdown(std::chrono::milliseconds grace) {
  net::post(impl_->io.context(0), [this, grace] {
    if (impl_->shutting_down) return;
    impl_->shutting_down = true;
    impl_->host->draining = true;
    for (auto& l : impl_->listeners) l->stop();
    impl_->host->drain_all();
    impl_->check_drained(std::chrono::steady_clock::now() + grace);
  });
}

}  // namespace bronpoort::server
