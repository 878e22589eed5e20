#pragma once
// What a connection needs from the server that owns it. Private to src/server.

#include <bronpoort/config/gateway_config.hpp>
#include <bronpoort/server/http_server.hpp>

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

namespace bronpoort::server {

class SessionBase {
 public:
  virtual ~SessionBase() = default;
  // Asks the connection to close once it is idle (thread-safe).
  virtual void drain() = 0;
  // Closes the connection if it is waiting for its next request; a busy one is left alone
  // (thread-safe).
  virtual void close_if_idle() = 0;

  // When the connection started waiting for its next request (steady clock, ns); 0 while it is
  // busy. Read by the host to pick the longest-idle connection under pressure.
  std::atomic<std::int64_t> idle_since{0};
};

struct SessionHost {
  SessionHost(config::Limits l, RequestHandler& h, BlockingExecutor& b, observability::Metrics& m)
      : limits(l), handler(h), blocking(b), metrics(m) {}

  const config::Limits limits;
  RequestHandler& handler;
  BlockingExecutor& blocking;
  observability::Metrics& metrics;
  std::atomic<bool> draining{false};

  // Whether a new connection from `address` may open: at most maxConnectionsPerAddress from one
  // address. At the global cap the longest-idle connection is asked to close to make room (a
  // keep-alive connection nobody uses must not lock out a new client); when none is idle the new
  // one is refused. An admitted connection counts until release(address).
  bool admit(const std::string& address);
  void release(const std::string& address);

  void add(const SessionBase* key, std::weak_ptr<SessionBase> session);
  void remove(const SessionBase* key);
  std::size_t active() const;
  void drain_all();

 private:
  std::shared_ptr<SessionBase> longest_idle_locked() const;

  mutable std::mutex mu_;
  std::unordered_map<const SessionBase*, std::weak_ptr<SessionBase>> sessions_;
  std::unordered_map<std::string, std::size_t> per_address_;
  std::size_t admitted_ = 0;
};

}  // namespace bronpoort::server
