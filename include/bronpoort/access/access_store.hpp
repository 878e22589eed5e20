#pragma once
// Where access requests and grants are kept: SQLite by default, PostgreSQL when several gateway
// instances share state. Every method blocks and may throw StoreError: call it on a
// BlockingExecutor, never on an I/O thread. Both implementations pass the same tests.

#include <bronpoort/access/grant.hpp>
#include <bronpoort/common/store_config.hpp>
#include <bronpoort/common/store_error.hpp>

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace bronpoort::access {

using common::StoreError;

class AccessStore {
 public:
  virtual ~AccessStore() = default;
  // Creates the tables when missing; safe to call on every start.
  virtual void migrate() = 0;
  virtual std::vector<AccessRequest> load_requests() = 0;
  virtual std::vector<Grant> load_grants() = 0;
  // Stores a new request; an auto-approved one comes with its grant, written in one transaction.
  virtual void insert_request(const AccessRequest& request, const std::optional<Grant>& grant) = 0;
  // Records the decision on a pending request and, when approved, its grant, in one transaction.
  // Returns false when the request is not pending any more (decided concurrently elsewhere).
  virtual bool decide_request(const AccessRequest& decided, const std::optional<Grant>& grant) = 0;
  // Returns false when the grant does not exist or was already revoked.
  virtual bool revoke_grant(const std::string& id, TimePoint at, const std::string& by) = 0;
};

// Several instances on one PostgreSQL store: each change a store commits is announced on this
// channel (NOTIFY), so the other instances refresh at once instead of at their next poll.
inline constexpr const char* kAccessChangeChannel = "bronpoort_access_changed";

class AccessChangeListener {
 public:
  virtual ~AccessChangeListener() = default;
  // Waits up to `timeout` for a change made by any instance; true when one was announced. Throws
  // StoreError when the connection is lost (reconnect by opening a new listener).
  virtual bool wait(std::chrono::milliseconds timeout) = 0;
};

std::unique_ptr<AccessChangeListener> open_postgres_change_listener(const std::string& dsn);

std::unique_ptr<AccessStore> open_sqlite_store(const std::filesystem::path& path);
std::unique_ptr<AccessStore> open_postgres_store(const std::string& dsn);
// The store the `store` section names (its migration DSN is the processing log's alone).
std::unique_ptr<AccessStore> open_store(const common::StoreConfig& config);

}  // namespace bronpoort::access
