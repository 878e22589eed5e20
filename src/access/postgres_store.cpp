// The production store: PostgreSQL through libpqxx, shared by several gateway instances, over one
// common::PostgresSession (access administration is rare next to data traffic): a broken
// connection is re-opened once per call, and libpqxx exceptions become StoreError.
#include <bronpoort/access/access_store.hpp>

#include <bronpoort/common/postgres_session.hpp>
#include <bronpoort/common/time.hpp>
#include "store_rows.hpp"

#include <pqxx/pqxx>

#include <mutex>

namespace bronpoort::access {

namespace {

std::string dollar(int i) {
  return "$" + std::to_string(i);
}

// Runs `sql` with the row's values as parameters 1..n.
pqxx::result exec_row(pqxx::work& tx, const std::string& sql, const rows::Row& params) {
  return tx.exec_params(sql, pqxx::prepare::make_dynamic_params(params));
}

// Waits on its own connection for the notifications the stores send on every change.
class PostgresChangeListener final : public AccessChangeListener {
 public:
  explicit PostgresChangeListener(const std::string& dsn)
      : conn_(dsn), receiver_(conn_, kAccessChangeChannel, notified_) {}

  bool wait(std::chrono::milliseconds timeout) override {
    notified_ = false;
    try {
      const auto us = std::chrono::duration_cast<std::chrono::microseconds>(timeout).count();
      conn_.await_notification(static_cast<long>(us / 1000000), static_cast<long>(us % 1000000));
      // Several changes in a row come as several notifications; one refresh covers them all.
      while (conn_.get_notifs() > 0) {
      }
    } catch (const std::exception& e) {
      throw StoreError(std::string("postgres: ") + e.what());
    }
    if (!conn_.is_open()) throw StoreError("postgres: the listening connection was lost");
    return notified_;
  }

 private:
  class Receiver final : public pqxx::notification_receiver {
   public:
    Receiver(pqxx::connection_base& c, const std::string& channel, bool& flag)
        : pqxx::notification_receiver(c, channel), flag_(flag) {}
    void operator()(const std::string&, int) override { flag_ = true; }

   private:
    bool& flag_;
  };

  pqxx::connection conn_;
  bool notified_ = false;
  Receiver receiver_;
};

class PostgresStore final : public AccessStore {
 public:
  explicit PostgresStore(std::string dsn) : session_(std::move(dsn)) { session_.open(); }

  void migrate() override {
    run([&](pqxx::work& tx) {
      // Serialise concurrent first starts of several instances.
      tx.exec("SELECT pg_advisory_xact_lock(720501)");
      tx.exec(rows::create_table(rows::kRequestTable, rows::request_columns()));
      tx.exec(rows::create_table(rows::kGrantTable, rows::grant_columns()));
      return true;
    });
  }

  std::vector<AccessRequest> load_requests() override {
    std::vector<AccessRequest> out;
    run([&](pqxx::work& tx) {
      out.clear();
      for (const auto& row :
           tx.exec(select(rows::kRequestTable, rows::request_columns(), "created_at"))) {
        out.push_back(rows::to_request(to_row(row)));
      }
      return true;
    });
    return out;
  }

  std::vector<Grant> load_grants() override {
    std::vector<Grant> out;
    run([&](pqxx::work& tx) {
      out.clear();
      for (const auto& row :
           tx.exec(select(rows::kGrantTable, rows::grant_columns(), "granted_at"))) {
        out.push_back(rows::to_grant(to_row(row)));
      }
      return true;
    });
    return out;
  }

  void insert_request(const AccessRequest& request, const std::optional<Grant>& grant) override {
    run([&](pqxx::work& tx) {
      exec_row(tx, rows::insert_into(rows::kRequestTable, rows::request_columns(), dollar),
               rows::from_request(request));
      if (grant) {
        exec_row(tx, rows::insert_into(rows::kGrantTable, rows::grant_columns(), dollar),
                 rows::from_grant(*grant));
      }
      notify(tx);
      return true;
    });
  }

  bool decide_request(const AccessRequest& decided, const std::optional<Grant>& grant) override {
    return run([&](pqxx::work& tx) {
      auto row = rows::from_request(decided);
      rows::Row params(row.begin() + 1, row.end());
      params.push_back(row[0]);
      auto r = exec_row(tx, rows::decide_update(dollar), params);
      if (r.affected_rows() != 1) return false;
      if (grant) {
        exec_row(tx, rows::insert_into(rows::kGrantTable, rows::grant_columns(), dollar),
                 rows::from_grant(*grant));
      }
      notify(tx);
      return true;
    });
  }

  bool revoke_grant(const std::string& id, TimePoint at, const std::string& by) override {
    return run([&](pqxx::work& tx) {
      auto r =
          exec_row(tx,
                   std::string("UPDATE ") + rows::kGrantTable +
                       " SET revoked_at = $1, revoked_by = $2 WHERE id = $3 AND revoked_at = ''",
                   {common::format_time(at), by, id});
      if (r.affected_rows() != 1) return false;
      notify(tx);
      return true;
    });
  }

 private:
  static std::string select(const char* table, const std::vector<std::string>& columns,
                            const char* order) {
    std::string sql = "SELECT ";
    for (std::size_t i = 0; i < columns.size(); ++i) sql += (i ? ", " : "") + columns[i];
    return sql + " FROM " + table + " ORDER BY " + order + ", id";
  }

  static rows::Row to_row(const pqxx::row& row) {
    rows::Row out;
    out.reserve(row.size());
    for (const auto& field : row) out.emplace_back(field.is_null() ? "" : field.c_str());
    return out;
  }

  // Delivered to every listening instance when the transaction commits, not before.
  static void notify(pqxx::work& tx) { tx.exec(std::string("NOTIFY ") + kAccessChangeChannel); }

  template <typename Body>
  bool run(Body&& body) {
    return session_.transaction(std::forward<Body>(body));
  }

  common::PostgresSession session_;
};

}  // namespace

std::unique_ptr<AccessStore> open_postgres_store(const std::string& dsn) {
  return std::make_unique<PostgresStore>(dsn);
}

std::unique_ptr<AccessChangeListener> open_postgres_change_listener(const std::string& dsn) {
  try {
    return std::make_unique<PostgresChangeListener>(dsn);
  } catch (const StoreError&) {
    throw;
  } catch (const std::exception& e) {
    throw StoreError(std::string("postgres: ") + e.what());
  }
}

std::unique_ptr<AccessStore> open_store(const common::StoreConfig& config) {
  if (config.kind == common::StoreConfig::Kind::Postgres) {
    return open_postgres_store(config.postgres_dsn);
  }
  return open_sqlite_store(config.sqlite_path);
}

}  // namespace bronpoort::access
