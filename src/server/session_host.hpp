#pragma once
// What a connection needs from the server that owns it. Private to src/server.

#include <bronpoort/config/gateway_config.hpp>
#include <bronpoort/server/http_server.hpp>

#include <atomic>
#include <memory>
#include <mutex>
#include <unordered_map>

namespace bronpoort::server {

class SessionBase {
 public:
  virtual ~SessionBase() = default;
  // Asks the connection to close once it is idle (thread-safe).
  virtual void drain() = 0;
};

struct SessionHost {
  SessionHost(config::Limits l, RequestHandler& h, BlockingExecutor& b, observability::Metrics& m)
      : limits(l), handler(h), blocking(b), metrics(m) {}

  const config::Limits limits;
  RequestHandler& handler;
  BlockingExecutor& blocking;
  observability::Metrics& metrics;
  std::atomic<bool> draining{false};

  void add(const SessionBase* key, std::weak_ptr<SessionBase> session);
  void remove(const SessionBase* key);
  std::size_t active() const;
  void drain_all();

 private:
  mutable std::mutex mu_;
  std::unordered_map<const SessionBase*, std::weak_ptr<SessionBase>> sessions_;
};

}  // namespace bronpoort::server
