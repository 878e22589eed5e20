// The production store: PostgreSQL through libpqxx. Several gateway instances share one database,
// each writing its own chain. A lost connection is dropped and re-opened on the next call, so the
// writer resumes by itself when the database comes back.

#include "postgres_migrations.hpp"
#include "postgres_rows.hpp"
#include "postgres_tree.hpp"
#include "sql_shape.hpp"

#include <bronpoort/processing_log/log_store.hpp>

#include <pqxx/pqxx>

#include <atomic>
#include <mutex>

namespace bronpoort::processing_log {
namespace {

using Connection = std::unique_ptr<pqxx::connection>;

std::string dollar(std::size_t n) {
  return "$" + std::to_string(n);
}

std::vector<std::string> as_texts(const std::vector<sql::Value>& values) {
  std::vector<std::string> out;
  out.reserve(values.size());
  for (const auto& v : values) {
    out.push_back(v.is_int ? std::to_string(v.integer) : v.text);
  }
  return out;
}

std::string with_timeout(const std::string& dsn) {
  // A database host that stops answering must not hang the writer forever: bounded connects and
  // TCP keepalives turn a silent network partition into an error within seconds. URIs and DSNs
  // that set these themselves are left alone.
  if (dsn.rfind("postgres", 0) == 0) return dsn;
  std::string out = dsn;
  if (out.find("connect_timeout") == std::string::npos) out += " connect_timeout=5";
  if (out.find("keepalives") == std::string::npos) {
    out += " keepalives=1 keepalives_idle=5 keepalives_interval=2 keepalives_count=3";
  }
  return out;
}

LogRecord read_record(const pqxx::row& row) {
  std::vector<std::string> texts;
  texts.reserve(row.size());
  for (const auto& field : row) texts.push_back(field.is_null() ? "" : field.c_str());
  return sql::record_from_texts(texts);
}

// Prepared statements: their text is the same for any number of records, so PostgreSQL parses and
// plans them once per connection instead of once per commit (a quarter of its CPU in the
// benchmark's gateway-pg leg; docs/performance.md). "bp_records" stores records[] from one array
// per column, "bp_records_nodes" also the Merkle tree's new nodes, in one statement.
constexpr const char* kInsertRecords = "bp_records";
constexpr const char* kInsertRecordsAndNodes = "bp_records_nodes";

// "INSERT INTO processing_log (...) SELECT unnest($first::type[]), ...". In the select list the
// arrays are unnested side by side, row by row; "SELECT * FROM unnest(...)" first copied every
// row into a tuplestore (7 % of PostgreSQL's CPU in the gateway-pg leg; docs/performance.md).
std::string records_unnest_sql(std::size_t first) {
  const auto types = sql::record_values(LogRecord{});
  std::string sql = "INSERT INTO processing_log (" + sql::record_column_list() + ") SELECT ";
  for (std::size_t col = 0; col < types.size(); ++col) {
    sql += (col == 0 ? "unnest(" : ", unnest(") + dollar(first + col) +
           (types[col].is_int ? "::bigint[])" : "::text[])");
  }
  return sql;
}

// The parameters of records_unnest_sql: one binary array per column, of the type the column's
// values have, filled straight from the records. `records` is not empty (the caller only sends
// records).
void records_unnest_params(const std::vector<LogRecord>& records,
                           std::vector<pqxx::binarystring>& params) {
  struct Columns {
    std::vector<postgres::BinaryArray>& arrays;
    std::size_t column = 0;
    postgres::BinaryArray& next(std::uint32_t type) {
      if (column == arrays.size()) arrays.emplace_back(type);
      return arrays[column++];
    }
    void integer(std::int64_t n) { next(postgres::BinaryArray::kInt8).add_int8(n); }
    void text(const std::string& s, bool) { next(postgres::BinaryArray::kText).add_text(s); }
  };
  std::vector<postgres::BinaryArray> arrays;
  arrays.reserve(sql::record_columns().size());
  for (std::size_t i = 0; i < records.size(); ++i) {
    Columns columns{arrays};
    sql::for_each_record_value(records[i], columns);
    if (i == 0) {
      // Records are much alike: room for the rest at the first one's sizes and a little more.
      for (auto& a : arrays) a.reserve(a.size() * (records.size() - 1) * 5 / 4);
    }
  }
  for (auto& a : arrays) params.push_back(a.param());
}

class PostgresStore final : public TreeLogStore {
 public:
  PostgresStore(std::string dsn, std::string migration_dsn)
      : dsn_(with_timeout(dsn)),
        migration_dsn_(with_timeout(migration_dsn.empty() ? dsn : migration_dsn)) {
    try {
      migrate();
    } catch (const StoreError&) {
      // The database may be down at start-up; the first successful connection migrates.
    }
  }

  void append_with_tree(const std::vector<LogRecord>& records,
                        const std::vector<Checkpoint>& checkpoints,
                        const TreeAppend& tree) override {
    std::lock_guard lock(write_mutex_);
    if (!records.empty() && checkpoints.empty() && tree.heads.empty()) {
      // The usual commit: the records and the tree's new nodes in one statement (the nodes in a
      // data-modifying WITH), which PostgreSQL runs as one transaction of its own. One round
      // trip instead of BEGIN, INSERT, INSERT, COMMIT; just as atomic and, with the session's
      // synchronous_commit, just as durable when it returns.
      run(writer_, [&](pqxx::connection& c) {
        std::vector<pqxx::binarystring> params;
        if (!tree.nodes.empty()) postgres::tree_nodes_params(tree, params);
        records_unnest_params(records, params);
        pqxx::nontransaction statement(c);
        statement.exec_prepared(tree.nodes.empty() ? kInsertRecords : kInsertRecordsAndNodes,
                                pqxx::prepare::make_dynamic_params(params));
      });
      return;
    }
    run(writer_, [&](pqxx::connection& c) {
      pqxx::work txn(c);
      if (!records.empty()) {
        std::vector<pqxx::binarystring> params;
        records_unnest_params(records, params);
        txn.exec_prepared(kInsertRecords, pqxx::prepare::make_dynamic_params(params));
      }
      for (const auto& cp : checkpoints) {
        txn.exec_params(
            "INSERT INTO log_checkpoints (chain_id, seq, head_hash, signed_at_us, key_id, "
            "signature) VALUES ($1, $2, $3, $4, $5, $6)",
            cp.chain_id, cp.seq, cp.head_hash, cp.signed_at_us, cp.key_id, cp.signature);
      }
      if (!tree.empty()) postgres::insert_tree(txn, tree);
      txn.commit();
    });
  }

  std::optional<ChainHead> chain_head(const std::string& chain_id) override {
    return read([&](pqxx::work& txn) -> std::optional<ChainHead> {
      auto r = txn.exec_params(
          "SELECT seq, hash FROM processing_log WHERE chain_id = $1 ORDER BY seq DESC LIMIT 1",
          chain_id);
      if (r.empty()) return std::nullopt;
      ChainHead head{r[0][0].as<std::int64_t>(), r[0][1].as<std::string>(), 0};
      auto cp = txn.exec_params(
          "SELECT COALESCE(MAX(seq), 0) FROM log_checkpoints WHERE chain_id = $1", chain_id);
      head.last_checkpoint_seq = cp[0][0].as<std::int64_t>();
      return head;
    });
  }

  LogPage query(const LogFilter& filter, const std::optional<LogCursor>& after,
                int limit) override {
    auto where = sql::build_where(filter, after, dollar);
    where.params.push_back(static_cast<std::int64_t>(limit) + 1);
    std::string sql = "SELECT " + sql::record_column_list() + " FROM processing_log" + where.sql +
                      sql::kNewestFirst + " LIMIT " + dollar(where.params.size());
    auto params = as_texts(where.params);
    return read([&](pqxx::work& txn) {
      auto r = txn.exec_params(sql, pqxx::prepare::make_dynamic_params(params));
      LogPage page;
      for (const auto& row : r) page.records.push_back(read_record(row));
      page.close(limit);
      return page;
    });
  }

  std::vector<std::string> chain_ids() override {
    return read([&](pqxx::work& txn) {
      std::vector<std::string> out;
      for (const auto& row :
           txn.exec("SELECT DISTINCT chain_id FROM processing_log ORDER BY chain_id")) {
        out.push_back(row[0].as<std::string>());
      }
      return out;
    });
  }

  std::vector<LogRecord> chain_records(const std::string& chain_id, std::int64_t from_seq,
                                       int limit) override {
    return read([&](pqxx::work& txn) {
      auto r = txn.exec_params("SELECT " + sql::record_column_list() +
                                   " FROM processing_log WHERE chain_id = $1 AND seq >= $2"
                                   " ORDER BY seq LIMIT $3",
                               chain_id, from_seq, limit);
      std::vector<LogRecord> out;
      for (const auto& row : r) out.push_back(read_record(row));
      return out;
    });
  }

  std::vector<Checkpoint> checkpoints(const std::string& chain_id) override {
    return read([&](pqxx::work& txn) {
      return postgres::rows_for_chain(
          txn,
          "SELECT chain_id, seq, head_hash, signed_at_us, key_id, signature FROM log_checkpoints"
          " WHERE $1 = '' OR chain_id = $1 ORDER BY chain_id, seq",
          chain_id, [](const pqxx::row& r) {
            return Checkpoint{r[0].as<std::string>(), r[1].as<std::int64_t>(),
                              r[2].as<std::string>(), r[3].as<std::int64_t>(),
                              r[4].as<std::string>(), r[5].as<std::string>()};
          });
    });
  }

  std::string durability() const override {
    std::lock_guard lock(durability_mutex_);
    return durability_.empty() ? "postgres (not connected yet)" : durability_;
  }

  std::vector<merkle::StoredNode> tree_nodes(const std::string& chain_id,
                                             const std::vector<merkle::NodeId>& ids) override {
    return read([&](pqxx::work& txn) { return postgres::read_tree_nodes(txn, chain_id, ids); });
  }

  std::int64_t tree_node_count(const std::string& chain_id) override {
    return read([&](pqxx::work& txn) { return postgres::count_tree_nodes(txn, chain_id); });
  }

  std::vector<TreeHead> tree_heads(const std::string& chain_id) override {
    return read([&](pqxx::work& txn) { return postgres::read_tree_heads(txn, chain_id); });
  }

  std::optional<TreeHead> latest_tree_head(const std::string& chain_id) override {
    return read([&](pqxx::work& txn) { return postgres::read_latest_tree_head(txn, chain_id); });
  }

  bool ping() override {
    try {
      return read([](pqxx::work& txn) {
        txn.exec("SELECT 1 FROM schema_migrations LIMIT 1");
        return true;
      });
    } catch (const StoreError&) {
      return false;
    }
  }

 private:
  // Runs `fn` on `conn`, opening it first when needed. Any failure drops the connection when it is
  // no longer usable, so the next call reconnects; database errors become StoreError.
  template <typename Fn>
  auto run(Connection& conn, Fn&& fn) -> decltype(fn(std::declval<pqxx::connection&>())) {
    try {
      if (!migrated_) migrate();
      if (!conn || !conn->is_open()) conn = connect();
      return fn(*conn);
    } catch (const pqxx::broken_connection& e) {
      conn.reset();
      throw StoreError(std::string("PostgreSQL connection lost: ") + e.what());
    } catch (const pqxx::in_doubt_error& e) {
      conn.reset();
      throw StoreError(std::string("PostgreSQL commit in doubt: ") + e.what());
    } catch (const std::exception& e) {
      if (conn && !conn->is_open()) conn.reset();
      if (dynamic_cast<const StoreError*>(&e)) throw;
      throw StoreError(std::string("PostgreSQL: ") + e.what());
    }
  }

  template <typename Fn>
  auto read(Fn&& fn) -> decltype(fn(std::declval<pqxx::work&>())) {
    Connection conn;
    {
      std::lock_guard lock(pool_mutex_);
      if (!readers_.empty()) {
        conn = std::move(readers_.back());
        readers_.pop_back();
      }
    }
    auto result = run(conn, [&](pqxx::connection& c) {
      pqxx::work txn(c);
      auto r = fn(txn);
      txn.commit();
      return r;
    });
    std::lock_guard lock(pool_mutex_);
    if (conn && readers_.size() < 8) readers_.push_back(std::move(conn));
    return result;
  }

  Connection connect() {
    auto conn = std::make_unique<pqxx::connection>(dsn_);
    conn->prepare(kInsertRecords, records_unnest_sql(1));
    conn->prepare(kInsertRecordsAndNodes, "WITH nodes AS (" + postgres::tree_nodes_sql(1) + ") " +
                                              records_unnest_sql(postgres::kTreeNodeParams + 1));
    // Sessions run as the INSERT+SELECT-only role when the login may assume it, so even a
    // privileged DSN cannot alter the log through the gateway.
    pqxx::nontransaction tx(*conn);
    auto r =
        tx.exec_params("SELECT pg_has_role(current_user, $1, 'MEMBER')", postgres::kWriterRole);
    if (r[0][0].as<bool>()) tx.exec(std::string("SET ROLE ") + postgres::kWriterRole);
    // A record is durable only when its commit is flushed: the log never rests on the server's
    // default, which an administrator may have set to off or local. With synchronous standbys the
    // commit also waits until a standby has applied it, so a failover loses no released record.
    const bool standbys =
        !tx.exec("SHOW synchronous_standby_names")[0][0].as<std::string>().empty();
    const char* level = standbys ? "remote_apply" : "on";
    tx.exec(std::string("SET synchronous_commit = ") + level);
    {
      std::lock_guard lock(durability_mutex_);
      durability_ = std::string("postgres synchronous_commit=") + level;
    }
    return conn;
  }

  void migrate() {
    std::lock_guard lock(migrate_mutex_);
    if (migrated_) return;
    try {
      pqxx::connection conn(migration_dsn_);
      pqxx::work txn(conn);
      // One instance migrates at a time; the others wait and then see the new version.
      txn.exec("SELECT pg_advisory_xact_lock(7395120431)");
      txn.exec(
          "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
          "applied_at TIMESTAMPTZ NOT NULL DEFAULT now())");
      int current =
          txn.exec("SELECT COALESCE(MAX(version), 0) FROM schema_migrations")[0][0].as<int>();
      int version = 0;
      for (const std::string& migration : postgres::migrations()) {
        ++version;
        if (version <= current) continue;
        txn.exec(migration);
        txn.exec_params("INSERT INTO schema_migrations (version) VALUES ($1)", version);
      }
      txn.commit();
      migrated_ = true;
    } catch (const std::exception& e) {
      throw StoreError(std::string("PostgreSQL migration: ") + e.what());
    }
  }

  std::string dsn_;
  std::string migration_dsn_;
  std::mutex migrate_mutex_;
  std::atomic<bool> migrated_{false};
  std::mutex write_mutex_;
  Connection writer_;
  std::mutex pool_mutex_;
  std::vector<Connection> readers_;
  mutable std::mutex durability_mutex_;
  std::string durability_;
};

}  // namespace

std::unique_ptr<LogStore> open_postgres_store(const std::string& dsn,
                                              const std::string& migration_dsn) {
  return std::make_unique<PostgresStore>(dsn, migration_dsn);
}

}  // namespace bronpoort::processing_log
