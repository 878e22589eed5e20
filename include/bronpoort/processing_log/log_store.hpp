#pragma once
// Where the processing log is kept. Two implementations (SQLite, PostgreSQL) pass the same
// conformance suite. Stores are the adapter to their database library: they throw StoreError and
// the writer, verifier and endpoints catch it. Every method may block; call them off I/O threads.

#include <bronpoort/common/store_config.hpp>
#include <bronpoort/common/store_error.hpp>
#include <bronpoort/processing_log/checkpoint.hpp>
#include <bronpoort/processing_log/merkle.hpp>
#include <bronpoort/processing_log/record.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace bronpoort::processing_log {

using common::StoreError;

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

  // For stores that read one record more than `limit`: drops it and points `next` after the
  // last record kept.
  void close(int limit);
};

// A signed tree head of one chain's Merkle tree: the checkpoint note (signed-note text) and what
// it says, kept beside the records (docs/verifiable-log.md).
struct TreeHead {
  std::string chain_id;
  std::int64_t tree_size = 0;
  std::string root_hash;  // hex
  std::int64_t signed_at_us = 0;
  std::string note;  // the checkpoint as a signed note
};

// What a commit adds to a chain's Merkle tree: complete subtrees for proofs (levels >= 4; the
// lower ones are recomputed from the records) and signed tree heads.
struct TreeAppend {
  std::string chain_id;
  std::vector<merkle::StoredNode> nodes;
  std::vector<TreeHead> heads;
  bool empty() const { return nodes.empty() && heads.empty(); }
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
  // False while the store knows that appends fail (the SQLite store while the tables refuse what
  // its journal holds). Cheap: no I/O, for /readyz.
  virtual bool writable() const { return true; }

  // Returns once everything appended so far is in the tables that queries read. Reads through the
  // store do this themselves; it is for whoever reads or changes the database beside the store
  // (tests acting as an attacker with database access). Throws StoreError when it cannot.
  virtual void flush() {}

  // What makes a commit durable here, as /readyz reports it (e.g. "synchronous_commit=on").
  virtual std::string durability() const = 0;

  // append() plus the tree's new nodes and heads, all in the same transaction. Nodes already
  // stored are kept (a migration may fill them in twice). The default ignores the tree: stores
  // without one (test doubles) serve no proofs.
  virtual void append_with_tree(const std::vector<LogRecord>& records,
                                const std::vector<Checkpoint>& checkpoints,
                                const TreeAppend& tree) {
    (void)tree;
    append(records, checkpoints);
  }
  // The stored complete subtrees among `ids` of a chain (missing ones are left out).
  virtual std::vector<merkle::StoredNode> tree_nodes(const std::string& chain_id,
                                                     const std::vector<merkle::NodeId>& ids) {
    (void)chain_id;
    (void)ids;
    return {};
  }
  virtual std::int64_t tree_node_count(const std::string& chain_id) {
    (void)chain_id;
    return 0;
  }
  // Signed tree heads of one chain (or all when empty), smallest tree first.
  virtual std::vector<TreeHead> tree_heads(const std::string& chain_id) {
    (void)chain_id;
    return {};
  }
  // The newest signed tree head of a chain, without reading the others.
  virtual std::optional<TreeHead> latest_tree_head(const std::string& chain_id) {
    auto heads = tree_heads(chain_id);
    if (heads.empty()) return std::nullopt;
    return heads.back();
  }
};

// A store that keeps the Merkle tree with the records (SQLite, PostgreSQL): a plain append is a
// tree append with nothing for the tree.
class TreeLogStore : public LogStore {
 public:
  void append(const std::vector<LogRecord>& records,
              const std::vector<Checkpoint>& checkpoints) final {
    append_with_tree(records, checkpoints, {});
  }
  void append_with_tree(const std::vector<LogRecord>& records,
                        const std::vector<Checkpoint>& checkpoints,
                        const TreeAppend& tree) override = 0;
};

// Opens the store and applies migrations. Throws StoreError when the database cannot be reached
// or migrated (SQLite) — PostgreSQL connections are retried lazily, so a database that is down at
// start-up does not keep the gateway from starting; the log then reports unhealthy.
// A migration DSN, when the section gives one, applies the migrations; the runtime DSN then needs
// only INSERT and SELECT on the log tables.
std::unique_ptr<LogStore> open_store(const common::StoreConfig& config);

struct SqliteStoreOptions {
  // Copy the commit journal into the tables. Off only in tests that leave a journal behind, as a
  // killed process does, to see the next open replay it.
  bool index = true;
  // Journal size at which commits move on to a new journal file; the old one goes once indexed.
  std::size_t journal_file_bytes = 64u << 20;
  // Records the indexer gathers before it adds them to the trace and subject lookup in one sorted
  // batch; until then a query by trace or subject reads them one by one (sqlite_lookup.hpp).
  std::size_t lookup_batch = 16384;
};
std::unique_ptr<LogStore> open_sqlite_store(const std::string& path,
                                            const SqliteStoreOptions& options = {});
std::unique_ptr<LogStore> open_postgres_store(const std::string& dsn,
                                              const std::string& migration_dsn = {});

}  // namespace bronpoort::processing_log
