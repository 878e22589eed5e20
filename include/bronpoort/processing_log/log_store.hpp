#pragma once
// Where the processing log is kept. Two implementations (SQLite, PostgreSQL) pass the same
// conformance suite. Stores are the adapter to their database library: they throw StoreError and
// the writer, verifier and endpoints catch it. Every method may block; call them off I/O threads.

#include <bronpoort/processing_log/checkpoint.hpp>
#include <bronpoort/processing_log/record.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace bronpoort::processing_log {

class StoreError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct ChainHead {
  std::int64_t seq = 0;
  std::string hash;
  std::int64_t last_checkpoint_seq = 0;
};

// Filters of the auditor API. Empty strings and unset optionals do not filter.
struct LogFilter {
  std::optional<std::int64_t> from_us;  // logged_at >= from
  std::optional<std::int64_t> to_us;    // logged_at < to
  std::string dataset;
  std::string purpose;
  std::string organisation;        // the calling organisation
  std::string owner_organisation;  // the dataset's source holder
  std::string trace_id;
  std::optional<int> http_status;
  std::string decision;
  std::optional<RecordKind> kind;
  std::string processing_activity_id;
  std::string data_subject_id;  // a pseudonym
  std::string data_subject_id_type;
};

// Position after the last record of a page, newest first: records strictly older than this.
struct LogCursor {
  std::int64_t logged_at_us = 0;
  std::string chain_id;
  std::int64_t seq = 0;

  std::string encode() const;
  static std::optional<LogCursor> decode(const std::string& text);
};

struct LogPage {
  std::vector<LogRecord> records;
  std::optional<LogCursor> next;  // set when more records may follow
};

class LogStore {
 public:
  virtual ~LogStore() = default;

  // Writes already-linked records and checkpoints in one transaction; durable (fsync'd) on return.
  // Either all are stored or none.
  virtual void append(const std::vector<LogRecord>& records,
                      const std::vector<Checkpoint>& checkpoints) = 0;

  // The last record and last checkpoint of a chain, so a restarted writer continues it.
  virtual std::optional<ChainHead> chain_head(const std::string& chain_id) = 0;

  // Newest first, at most `limit` records after `after`.
  virtual LogPage query(const LogFilter& filter, const std::optional<LogCursor>& after,
                        int limit) = 0;

  virtual std::vector<std::string> chain_ids() = 0;

  // A chain's records in the order stored by seq, from `from_seq` on, at most `limit`.
  virtual std::vector<LogRecord> chain_records(const std::string& chain_id, std::int64_t from_seq,
                                               int limit) = 0;

  // Checkpoints of one chain (or all chains when empty), oldest first.
  virtual std::vector<Checkpoint> checkpoints(const std::string& chain_id) = 0;

  // Whether the database answers now (for /readyz).
  virtual bool ping() = 0;

  // What makes a commit durable here, as /readyz reports it (e.g. "synchronous_commit=on").
  virtual std::string durability() const = 0;
};

struct StoreConfig {
  enum class Kind { Sqlite, Postgres } kind = Kind::Sqlite;
  std::string sqlite_path;  // absolute, resolved against the config directory
  std::string postgres_dsn;
  // Optional: a more privileged DSN that applies migrations; the runtime DSN then needs only
  // INSERT and SELECT on the log tables.
  std::string postgres_migration_dsn;
};

// Opens the store and applies migrations. Throws StoreError when the database cannot be reached
// or migrated (SQLite) — PostgreSQL connections are retried lazily, so a database that is down at
// start-up does not keep the gateway from starting; the log then reports unhealthy.
std::unique_ptr<LogStore> open_store(const StoreConfig& config);

std::unique_ptr<LogStore> open_sqlite_store(const std::string& path);
std::unique_ptr<LogStore> open_postgres_store(const std::string& dsn,
                                              const std::string& migration_dsn = {});

}  // namespace bronpoort::processing_log
