// The embedded store: one SQLite file in WAL mode with synchronous=FULL, so a committed batch
// survives a crash or power loss (the commit returns after the WAL is fsync'd). Triggers make the
// log tables append-only. Inserts reuse prepared statements, several rows per statement, and
// checkpoints run beside the writer rather than inside its commits.

#include "log_schema.hpp"
#include "sql_shape.hpp"
#include "sqlite_db.hpp"
#include "sqlite_tree.hpp"

#include <bronpoort/core/thread_name.hpp>
#include <bronpoort/processing_log/log_store.hpp>

#include <sqlite3.h>

#include <condition_variable>
#include <filesystem>
#include <memory>
#include <mutex>
#include <thread>

namespace bronpoort::processing_log {
namespace {

using sqlite::Db;
using sqlite::Statement;

const std::vector<std::string>& migrations() {
  using schema::kSqlite;
  static const std::vector<std::string> list = {
      // 1: the log and its checkpoints, append-only.
      schema::log_tables(kSqlite) + kSqlite.append_only("processing_log") +
          kSqlite.append_only("log_checkpoints"),
      // 2: the Merkle tree over each chain (sqlite_tree.cpp).
      schema::tree_tables(kSqlite) + kSqlite.append_only("log_tree_nodes") +
          kSqlite.append_only("log_tree_heads"),
  };
  return list;
}

std::string question(std::size_t n) {
  return "?" + std::to_string(n);
}

LogRecord read_record(Statement& st) {
  std::vector<std::string> texts;
  texts.reserve(sql::record_columns().size());
  for (std::size_t c = 0; c < sql::record_columns().size(); ++c) {
    texts.push_back(st.text(static_cast<int>(c)));
  }
  return sql::record_from_texts(texts);
}

// Binds one record's columns to consecutive parameters of a kept INSERT statement.
struct BindRecord {
  Statement& st;
  int index;
  void integer(std::int64_t n) { st.bind_int(++index, n); }
  void text(const std::string& s, bool stable) { st.bind_text(++index, s, !stable); }
};

std::string insert_sql(std::size_t rows) {
  std::string row = "(";
  for (std::size_t i = 0; i < sql::record_columns().size(); ++i) row += i == 0 ? "?" : ", ?";
  row += ")";
  std::string sql = "INSERT INTO processing_log (" + sql::record_column_list() + ") VALUES ";
  for (std::size_t r = 0; r < rows; ++r) sql += (r == 0 ? "" : ", ") + row;
  return sql;
}

class SqliteStore final : public TreeLogStore {
 public:
  // Records per multi-row INSERT: one statement execution stores this many, so a batch costs a
  // sixteenth of the statement round trips; the rest go one by one.
  static constexpr std::size_t kRowsPerInsert = 16;
  // WAL size (pages) at which the checkpoint thread copies the WAL back into the database file.
  static constexpr int kCheckpointPages = 1000;
  static constexpr int kCatchUpPages = 4 * kCheckpointPages;

  explicit SqliteStore(std::string path)
      : path_(std::move(path)), writer_(path_), reader_(path_), checkpointer_(path_) {
    migrate();
    // Checkpoints run on their own thread and connection instead of inside the writer's commit
    // (SQLite's auto-checkpoint), so the one writer every request waits for never copies pages
    // back into the database file. A passive checkpoint never blocks the writer; commits stay
    // durable through the WAL and its fsync either way.
    sqlite3_wal_hook(writer_.get(), &SqliteStore::on_commit, this);
    checkpoint_thread_ = std::thread([this] {
      name_this_thread("log-checkpoint");
      checkpoint_loop();
    });
  }

  ~SqliteStore() override {
    {
      std::lock_guard lock(checkpoint_mutex_);
      checkpoint_stopping_ = true;
    }
    checkpoint_wake_.notify_all();
    checkpoint_thread_.join();
  }

  void append_with_tree(const std::vector<LogRecord>& records,
                        const std::vector<Checkpoint>& checkpoints,
                        const TreeAppend& tree) override {
    std::lock_guard lock(write_mutex_);
    run(kept(begin_, "BEGIN IMMEDIATE"));
    try {
      std::size_t i = 0;
      if (records.size() >= kRowsPerInsert) {
        Statement& many = kept(insert_many_, insert_sql(kRowsPerInsert));
        for (; records.size() - i >= kRowsPerInsert; i += kRowsPerInsert) {
          many.reset();
          BindRecord bind{many, 0};
          for (std::size_t k = 0; k < kRowsPerInsert; ++k) {
            sql::for_each_record_value(records[i + k], bind);
          }
          run(many);
        }
      }
      if (i < records.size()) {
        Statement& one = kept(insert_one_, insert_sql(1));
        for (; i < records.size(); ++i) {
          one.reset();
          BindRecord bind{one, 0};
          sql::for_each_record_value(records[i], bind);
          run(one);
        }
      }
      if (!checkpoints.empty()) {
        Statement& insert =
            kept(insert_checkpoint_,
                 "INSERT INTO log_checkpoints (chain_id, seq, head_hash, "
                 "signed_at_us, key_id, signature) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
        for (const auto& c : checkpoints) {
          insert.reset();
          insert.arg(c.chain_id)
              .arg(c.seq)
              .arg(c.head_hash)
              .arg(c.signed_at_us)
              .arg(c.key_id)
              .arg(c.signature);
          run(insert);
        }
      }
      if (!tree.empty()) sqlite::insert_tree(writer_, tree);
      run(kept(commit_, "COMMIT"));
    } catch (...) {
      try {
        writer_.exec("ROLLBACK");
      } catch (const StoreError&) {
        // The failed statement may already have ended the transaction.
      }
      throw;
    }
  }

  std::optional<ChainHead> chain_head(const std::string& chain_id) override {
    std::lock_guard lock(read_mutex_);
    Statement st(
        reader_,
        "SELECT seq, hash FROM processing_log WHERE chain_id = ?1 ORDER BY seq DESC LIMIT 1");
    st.arg(chain_id);
    if (!st.step()) return std::nullopt;
    ChainHead head{st.integer(0), st.text(1), 0};
    Statement cp(reader_, "SELECT COALESCE(MAX(seq), 0) FROM log_checkpoints WHERE chain_id = ?1");
    cp.arg(chain_id);
    if (cp.step()) head.last_checkpoint_seq = cp.integer(0);
    return head;
  }

  LogPage query(const LogFilter& filter, const std::optional<LogCursor>& after,
                int limit) override {
    auto where = sql::build_where(filter, after, question);
    where.params.push_back(static_cast<std::int64_t>(limit) + 1);
    std::lock_guard lock(read_mutex_);
    Statement st(reader_, "SELECT " + sql::record_column_list() + " FROM processing_log" +
                              where.sql + sql::kNewestFirst + " LIMIT " +
                              question(where.params.size()));
    sqlite::bind(st, where.params);
    LogPage page;
    while (st.step()) page.records.push_back(read_record(st));
    page.close(limit);
    return page;
  }

  std::vector<std::string> chain_ids() override {
    std::lock_guard lock(read_mutex_);
    Statement st(reader_, "SELECT DISTINCT chain_id FROM processing_log ORDER BY chain_id");
    std::vector<std::string> out;
    while (st.step()) out.push_back(st.text(0));
    return out;
  }

  std::vector<LogRecord> chain_records(const std::string& chain_id, std::int64_t from_seq,
                                       int limit) override {
    std::lock_guard lock(read_mutex_);
    Statement st(reader_, "SELECT " + sql::record_column_list() +
                              " FROM processing_log WHERE chain_id = ?1 AND seq >= ?2"
                              " ORDER BY seq LIMIT ?3");
    st.arg(chain_id).arg(from_seq).arg(static_cast<std::int64_t>(limit));
    std::vector<LogRecord> out;
    while (st.step()) out.push_back(read_record(st));
    return out;
  }

  std::vector<Checkpoint> checkpoints(const std::string& chain_id) override {
    std::lock_guard lock(read_mutex_);
    return sqlite::rows_for_chain(
        reader_,
        "SELECT chain_id, seq, head_hash, signed_at_us, key_id, signature FROM "
        "log_checkpoints WHERE ?1 = '' OR chain_id = ?1 ORDER BY chain_id, seq",
        chain_id, [](Statement& st) {
          return Checkpoint{st.text(0),    st.integer(1), st.text(2),
                            st.integer(3), st.text(4),    st.text(5)};
        });
  }

  std::string durability() const override { return "sqlite journal_mode=WAL synchronous=FULL"; }

  std::vector<merkle::StoredNode> tree_nodes(const std::string& chain_id,
                                             const std::vector<merkle::NodeId>& ids) override {
    std::lock_guard lock(read_mutex_);
    return sqlite::read_tree_nodes(reader_, chain_id, ids);
  }

  std::int64_t tree_node_count(const std::string& chain_id) override {
    std::lock_guard lock(read_mutex_);
    return sqlite::count_tree_nodes(reader_, chain_id);
  }

  std::vector<TreeHead> tree_heads(const std::string& chain_id) override {
    std::lock_guard lock(read_mutex_);
    return sqlite::read_tree_heads(reader_, chain_id);
  }

  std::optional<TreeHead> latest_tree_head(const std::string& chain_id) override {
    std::lock_guard lock(read_mutex_);
    return sqlite::read_latest_tree_head(reader_, chain_id);
  }

  bool ping() override {
    try {
      std::lock_guard lock(read_mutex_);
      Statement st(reader_, "SELECT 1 FROM schema_migrations LIMIT 1");
      st.step();
      return true;
    } catch (const StoreError&) {
      return false;
    }
  }

 private:
  void migrate() {
    std::lock_guard lock(write_mutex_);
    writer_.exec(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
        "applied_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP)");
    writer_.exec("BEGIN IMMEDIATE");
    try {
      Statement st(writer_, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
      st.step();
      std::int64_t current = st.integer(0);
      std::int64_t version = 0;
      for (const std::string& migration : migrations()) {
        ++version;
        if (version <= current) continue;
        writer_.exec(migration);
        writer_.exec("INSERT INTO schema_migrations (version) VALUES (" + std::to_string(version) +
                     ")");
      }
      writer_.exec("COMMIT");
    } catch (...) {
      writer_.exec("ROLLBACK");
      throw;
    }
  }

  // A statement prepared once on the writer connection and reused (under write_mutex_).
  Statement& kept(std::unique_ptr<Statement>& slot, const std::string& sql) {
    if (!slot) slot = std::make_unique<Statement>(writer_, sql);
    return *slot;
  }

  // Steps a statement without result rows and resets it at once, so that a kept statement holds
  // no read or write state between uses, also when it failed.
  static void run(Statement& st) {
    try {
      st.step();
    } catch (...) {
      st.reset();
      throw;
    }
    st.reset();
  }

  // SQLite's WAL hook: called on the writer connection after each commit with the WAL's size.
  static int on_commit(void* self, sqlite3* db, const char* name, int pages) {
    if (pages >= kCatchUpPages) {
      // Under steady load the background checkpoint may never find the WAL fully copied at the
      // moment a write begins, and only then does SQLite start the WAL over. Past this size the
      // writer checkpoints itself between two commits, as SQLite's auto-checkpoint would; most
      // pages were already copied in the background, so this is short, and the WAL stays bounded.
      sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    } else if (pages >= kCheckpointPages) {
      auto* store = static_cast<SqliteStore*>(self);
      {
        std::lock_guard lock(store->checkpoint_mutex_);
        store->checkpoint_due_ = true;
      }
      store->checkpoint_wake_.notify_one();
    }
    return SQLITE_OK;
  }

  void checkpoint_loop() {
    std::unique_lock lock(checkpoint_mutex_);
    for (;;) {
      checkpoint_wake_.wait(lock, [&] { return checkpoint_stopping_ || checkpoint_due_; });
      if (checkpoint_stopping_) return;
      checkpoint_due_ = false;
      lock.unlock();
      // Passive: copies what no reader still needs and never waits for, or blocks, the writer.
      // A failure is retried at the next commit past the threshold.
      sqlite3_wal_checkpoint_v2(checkpointer_.get(), nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr,
                                nullptr);
      lock.lock();
    }
  }

  std::string path_;
  std::mutex write_mutex_;
  Db writer_;
  std::unique_ptr<Statement> begin_;
  std::unique_ptr<Statement> commit_;
  std::unique_ptr<Statement> insert_one_;
  std::unique_ptr<Statement> insert_many_;
  std::unique_ptr<Statement> insert_checkpoint_;
  // Reads use their own connection so that they see committed data without waiting for a write;
  // WAL mode lets them run beside the writer.
  std::mutex read_mutex_;
  Db reader_;
  Db checkpointer_;
  std::mutex checkpoint_mutex_;
  std::condition_variable checkpoint_wake_;
  bool checkpoint_due_ = false;
  bool checkpoint_stopping_ = false;
  std::thread checkpoint_thread_;
};

}  // namespace

std::unique_ptr<LogStore> open_sqlite_store(const std::string& path) {
  std::error_code ec;
  auto parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  return std::make_unique<SqliteStore>(path);
}

}  // namespace bronpoort::processing_log
