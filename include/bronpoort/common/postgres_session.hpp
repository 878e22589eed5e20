#pragma once
// One PostgreSQL connection used under a mutex, for the stores whose writes are rare next to data
// traffic: access requests and grants, and the release ledger. Each call runs in one transaction;
// a connection found broken is opened again and the call tried once more; every failure becomes
// StoreError. (The processing log keeps its own pool and never retries: a commit that may have
// happened must not be written again into a hash chain.)

#include <bronpoort/common/store_error.hpp>

#include <pqxx/pqxx>

#include <memory>
#include <mutex>
#include <string>
#include <type_traits>
#include <utility>

namespace bronpoort::common {

class PostgresSession {
 public:
  explicit PostgresSession(std::string dsn) : dsn_(std::move(dsn)) {}

  // Connects now, so that a database that cannot be reached is reported at start. Throws
  // StoreError.
  void open();

  // Runs `body(pqxx::work&)` in one transaction. A body returning void is committed when it
  // returns; one returning bool is committed only when it returns true, and rolled back
  // otherwise. Throws StoreError.
  template <typename Body>
  auto transaction(Body&& body) -> decltype(body(std::declval<pqxx::work&>())) {
    std::lock_guard lock(mutex_);
    for (int attempt = 0;; ++attempt) {
      try {
        pqxx::work tx(connection());
        if constexpr (std::is_void_v<decltype(body(tx))>) {
          body(tx);
          tx.commit();
          return;
        } else {
          auto ok = body(tx);
          if (ok) tx.commit();
          return ok;
        }
      } catch (const pqxx::broken_connection& e) {
        conn_.reset();
        if (attempt > 0) throw StoreError(std::string("PostgreSQL: ") + e.what());
      } catch (const StoreError&) {
        throw;
      } catch (const std::exception& e) {
        throw StoreError(std::string("PostgreSQL: ") + e.what());
      }
    }
  }

 private:
  // The open connection, opened first when there is none (libpqxx throws broken_connection when
  // it cannot connect, which transaction() retries once).
  pqxx::connection& connection();

  std::string dsn_;
  std::unique_ptr<pqxx::connection> conn_;
  std::mutex mutex_;
};

}  // namespace bronpoort::common
