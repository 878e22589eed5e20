// The embedded store: one SQLite file in WAL mode with synchronous=FULL, beside it the commit
// journal (sqlite_indexer.hpp): a commit returns once its frame is fsync'd in the journal, and the
// indexer copies it into the tables. Triggers make the log tables append-only. Inserts reuse
// prepared statements, several rows per statement, and checkpoints run beside the indexer rather
// than inside its transactions (sqlite_checkpointer.hpp).

#include "log_schema.hpp"
#include "sql_shape.hpp"
#include "sqlite_checkpointer.hpp"
#include "sqlite_db.hpp"
#include "sqlite_indexer.hpp"
#include "sqlite_lookup.hpp"
#include "sqlite_tree.hpp"

#include <bronpoort/processing_log/log_store.hpp>

#include <filesystem>
#include <memory>
#include <mutex>

namespace bronpoort::processing_log {
namespace {

using sqlite::Db;
using sqlite::run;
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
      // 3: how far the indexer has copied each commit journal into the tables
      // (sqlite_indexer.hpp). Bookkeeping, not evidence: rows go when their journal does.
      "CREATE TABLE log_journals (name TEXT PRIMARY KEY, applied INTEGER NOT NULL);",
      // 4: lookups by trace and subject in sorted batches instead of two random-key indexes
      // (sqlite_lookup.hpp).
      sqlite::lookup_migration(),
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

// Binds one record's columns, as its journal frame holds them, to consecutive parameters of a
// kept INSERT statement; the texts stay in the frame until the statement is reset.
void bind_record(Statement& st, int& index, const journal::RecordColumns& columns) {
  for (const auto& c : columns) {
    if (c.is_int) {
      st.bind_int(++index, c.integer);
    } else {
      st.bind_text(++index, c.text, false);
    }
  }
}

std::string insert_sql(std::size_t rows) {
  std::string row = "(";
  for (std::size_t i = 0; i < sql::record_columns().size(); ++i) row += i == 0 ? "?" : ", ?";
  row += ")";
  std::string sql = "INSERT INTO processing_log (" + sql::record_column_list() + ") VALUES ";
  for (std::size_t r = 0; r < rows; ++r) sql += (r == 0 ? "" : ", ") + row;
  return sql;
}

class SqliteStore final : public TreeLogStore, private journal::IndexTarget {
 public:
  // Records per multi-row INSERT: one statement execution stores this many, so a batch costs a
  // sixteenth of the statement round trips; the rest go one by one.
  static constexpr std::size_t kRowsPerInsert = 16;

  SqliteStore(std::string path, const SqliteStoreOptions& options)
      : path_(std::move(path)), writer_(path_), reader_(path_), checkpointer_(path_, writer_) {
    migrate();
    // A multi-row INSERT inside the indexer's large transactions keeps a statement journal (the
    // pages it changed, to undo just that statement): in a temporary file that was ~9,000 page
    // writes a second, seven times the WAL's. In memory it is a few pages per statement.
    writer_.exec("PRAGMA temp_store = MEMORY");
    // One indexer transaction changes ~2.5 MB of pages at full load; in SQLite's default 2 MB
    // cache it read ~0.6 pages a request back from the file. 32 MiB holds a transaction's pages
    // and the trees' upper levels (docs/performance.md, "sixth steps").
    writer_.exec("PRAGMA cache_size = -32768");
    lookup_ = std::make_unique<sqlite::LookupWriter>(writer_, options.lookup_batch);
    journal::IndexerOptions indexer;
    indexer.index = options.index;
    indexer.rotate_bytes = options.journal_file_bytes;
    journal::IndexTarget& target = *this;
    indexer_ = std::make_unique<journal::JournalIndexer>(path_, target, indexer);
  }

  // Durable once the commit's frame is synced in the journal; the indexer stores it in the
  // tables (apply) soon after, and every read waits for that.
  void append_with_tree(const std::vector<LogRecord>& records,
                        const std::vector<Checkpoint>& checkpoints,
                        const TreeAppend& tree) override {
    indexer_->append(records, checkpoints, tree);
  }

  std::optional<ChainHead> chain_head(const std::string& chain_id) override {
    indexer_->caught_up();
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
    indexer_->caught_up();
    auto where = sql::build_where(filter, after, question);
    std::string source = sqlite::lookup_source(filter, where.params, question);
    where.params.push_back(static_cast<std::int64_t>(limit) + 1);
    std::lock_guard lock(read_mutex_);
    Statement st(reader_, "SELECT " + sql::record_column_list() + " FROM " + source + where.sql +
                              sql::kNewestFirst + " LIMIT " + question(where.params.size()));
    sqlite::bind(st, where.params);
    LogPage page;
    while (st.step()) page.records.push_back(read_record(st));
    page.close(limit);
    return page;
  }

  std::vector<std::string> chain_ids() override {
    indexer_->caught_up();
    std::lock_guard lock(read_mutex_);
    Statement st(reader_, "SELECT DISTINCT chain_id FROM processing_log ORDER BY chain_id");
    std::vector<std::string> out;
    while (st.step()) out.push_back(st.text(0));
    return out;
  }

  std::vector<LogRecord> chain_records(const std::string& chain_id, std::int64_t from_seq,
                                       int limit) override {
    indexer_->caught_up();
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
    indexer_->caught_up();
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

  std::string durability() const override {
    return "commit journal fdatasync; sqlite journal_mode=WAL synchronous=FULL";
  }

  std::vector<merkle::StoredNode> tree_nodes(const std::string& chain_id,
                                             const std::vector<merkle::NodeId>& ids) override {
    indexer_->caught_up();
    std::lock_guard lock(read_mutex_);
    return sqlite::read_tree_nodes(reader_, chain_id, ids);
  }

  std::int64_t tree_node_count(const std::string& chain_id) override {
    indexer_->caught_up();
    std::lock_guard lock(read_mutex_);
    return sqlite::count_tree_nodes(reader_, chain_id);
  }

  std::vector<TreeHead> tree_heads(const std::string& chain_id) override {
    indexer_->caught_up();
    std::lock_guard lock(read_mutex_);
    return sqlite::read_tree_heads(reader_, chain_id);
  }

  std::optional<TreeHead> latest_tree_head(const std::string& chain_id) override {
    indexer_->caught_up();
    std::lock_guard lock(read_mutex_);
    return sqlite::read_latest_tree_head(reader_, chain_id);
  }

  void flush() override { indexer_->caught_up(); }
  bool writable() const override { return indexer_->healthy(); }

  bool ping() override {
    if (!indexer_->healthy()) return false;
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
  // journal::IndexTarget, on the indexer's thread (and the constructor's, while it replays).
  void apply(const std::vector<journal::Frame>& frames,
             const std::map<std::string, std::int64_t>& positions) override {
    std::lock_guard lock(write_mutex_);
    run(kept(begin_, "BEGIN IMMEDIATE"));
    try {
      std::vector<const journal::RecordColumns*> rows;
      for (const auto& f : frames) {
        for (const auto& r : f.records) rows.push_back(&r);
      }
      insert_records(rows);
      for (const auto& f : frames) {
        insert_checkpoints(f.checkpoints);
        if (!f.tree.empty()) tree_.insert(f.tree);
      }
      Statement& position = kept(upsert_position_,
                                 "INSERT INTO log_journals (name, applied) VALUES (?1, ?2) "
                                 "ON CONFLICT (name) DO UPDATE SET applied = excluded.applied");
      for (const auto& [name, applied] : positions) {
        position.reset();
        position.arg(name).arg(applied);
        run(position);
      }
      lookup_->after_insert(frames);
      run(kept(commit_, "COMMIT"));
    } catch (...) {
      try {
        writer_.exec("ROLLBACK");
      } catch (const StoreError&) {
        // The failed statement may already have ended the transaction.
      }
      lookup_->rolled_back();
      throw;
    }
  }

  void insert_records(const std::vector<const journal::RecordColumns*>& rows) {
    std::size_t i = 0;
    if (rows.size() >= kRowsPerInsert) {
      Statement& many = kept(insert_many_, insert_sql(kRowsPerInsert));
      for (; rows.size() - i >= kRowsPerInsert; i += kRowsPerInsert) {
        many.reset();
        int index = 0;
        for (std::size_t k = 0; k < kRowsPerInsert; ++k) bind_record(many, index, *rows[i + k]);
        run(many);
      }
    }
    if (i < rows.size()) {
      Statement& one = kept(insert_one_, insert_sql(1));
      for (; i < rows.size(); ++i) {
        one.reset();
        int index = 0;
        bind_record(one, index, *rows[i]);
        run(one);
      }
    }
  }

  void insert_checkpoints(const std::vector<Checkpoint>& checkpoints) {
    if (checkpoints.empty()) return;
    Statement& insert = kept(insert_checkpoint_,
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

  std::int64_t position(const std::string& journal) override {
    std::lock_guard lock(write_mutex_);
    Statement st(writer_, "SELECT applied FROM log_journals WHERE name = ?1");
    st.arg(journal);
    return st.step() ? st.integer(0) : 0;
  }

  void forget(const std::string& journal) override {
    std::lock_guard lock(write_mutex_);
    Statement st(writer_, "DELETE FROM log_journals WHERE name = ?1");
    st.arg(journal);
    st.step();
  }

  std::vector<std::string> positioned_journals() override {
    std::lock_guard lock(write_mutex_);
    Statement st(writer_, "SELECT name FROM log_journals ORDER BY name");
    std::vector<std::string> out;
    while (st.step()) out.push_back(st.text(0));
    return out;
  }

  journal::ChainMaxima maxima(const std::string& chain_id) override {
    std::lock_guard lock(read_mutex_);
    Statement st(reader_,
                 "SELECT (SELECT COALESCE(MAX(seq), 0) FROM processing_log WHERE chain_id = ?1), "
                 "(SELECT COALESCE(MAX(seq), 0) FROM log_checkpoints WHERE chain_id = ?1), "
                 "(SELECT COALESCE(MAX(tree_size), 0) FROM log_tree_heads WHERE chain_id = ?1)");
    st.arg(chain_id);
    st.step();
    return {st.integer(0), st.integer(1), st.integer(2)};
  }

  void migrate() {
    std::lock_guard lock(write_mutex_);
    writer_.exec(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
        "applied_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP)");
    writer_.exec("BEGIN IMMEDIATE");
    try {
      std::int64_t current = 0;
      {
        // Finished before the migrations run: DROP refuses while a statement is still open.
        Statement st(writer_, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
        st.step();
        current = st.integer(0);
      }
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
    return sqlite::kept(writer_, slot, sql);
  }

  std::string path_;
  std::mutex write_mutex_;
  Db writer_;
  std::unique_ptr<Statement> begin_;
  std::unique_ptr<Statement> commit_;
  std::unique_ptr<Statement> insert_one_;
  std::unique_ptr<Statement> insert_many_;
  std::unique_ptr<Statement> insert_checkpoint_;
  std::unique_ptr<Statement> upsert_position_;
  std::unique_ptr<sqlite::LookupWriter> lookup_;
  sqlite::TreeWriter tree_{writer_};
  // Reads use their own connection so that they see committed data without waiting for a write;
  // WAL mode lets them run beside the writer.
  std::mutex read_mutex_;
  Db reader_;
  sqlite::WalCheckpointer checkpointer_;
  // Last, so it goes first: it indexes what is left while the connections are still there.
  std::unique_ptr<journal::JournalIndexer> indexer_;
};

}  // namespace

std::unique_ptr<LogStore> open_sqlite_store(const std::string& path,
                                            const SqliteStoreOptions& options) {
  std::error_code ec;
  auto parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  return std::make_unique<SqliteStore>(path, options);
}

}  // namespace bronpoort::processing_log
