#pragma once
// The PostgreSQL connector: a source holder's registry database. libpqxx runs only on the
// connector's own bounded thread pool, each thread with its own connection.

#include <bronpoort/net/thread_pool_executor.hpp>
#include <bronpoort/sources/connector.hpp>

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <vector>

namespace bronpoort::sources {

struct PgSession;  // one libpqxx connection (pqxx::connection is a typedef: not declarable here)

class PostgresConnector final : public SourceConnector {
 public:
  explicit PostgresConnector(const PostgresConnectorConfig& config);
  // Waits for queued queries; must not run on one of the connector's own threads.
  ~PostgresConnector() override;

  void fetch(std::shared_ptr<const FetchRequest> request, FetchDone done) override;

 private:
  FetchOutcome run(const FetchRequest& request);
  std::unique_ptr<PgSession> acquire(std::optional<Problem>& problem);
  void release(std::unique_ptr<PgSession> c);

  std::string dsn_;
  std::size_t pool_size_;
  std::chrono::milliseconds statement_timeout_;
  std::chrono::milliseconds connect_timeout_;
  std::size_t max_queued_;
  std::atomic<std::size_t> in_flight_{0};
  std::mutex mutex_;
  std::vector<std::unique_ptr<PgSession>> idle_;
  // After a failed connect, requests fail fast for a moment instead of each waiting for the
  // connect timeout while the database is down.
  std::chrono::steady_clock::time_point retry_after_{};
  net::ThreadPoolExecutor executor_;  // last: destroyed (joined) first
};

}  // namespace bronpoort::sources
