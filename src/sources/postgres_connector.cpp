#include "postgres_connector.hpp"

#include <bronpoort/common/log.hpp>
#include <bronpoort/sources/sql_builder.hpp>

#include <pqxx/pqxx>

#include <cstdlib>

namespace bronpoort::sources {

struct PgSession {
  explicit PgSession(const std::string& dsn) : conn(dsn) {}
  pqxx::connection conn;
};

namespace {

constexpr auto kFailFastWindow = std::chrono::milliseconds(500);

Problem unavailable() {
  return make_problem(503, "source-unavailable",
                      "The source holder's database cannot be reached at the moment. Try again "
                      "later; the gateway reconnects by itself.");
}

// Converts one result value to the JSON type the schema gives the field.
nlohmann::json typed(const Field& f, const pqxx::field& v) {
  if (v.is_null()) return nullptr;
  std::string text = v.c_str();
  switch (f.type) {
    case FieldType::String:
      return text;
    case FieldType::Integer:
      return std::stoll(text);
    case FieldType::Number:
      return std::strtod(text.c_str(), nullptr);
    case FieldType::Boolean:
      return text == "t" || text == "true";
  }
  return text;
}

nlohmann::json to_record(const SqlPlan& plan, const pqxx::row& row) {
  nlohmann::json rec = nlohmann::json::object();
  for (std::size_t i = 0; i < plan.columns.size(); ++i) {
    rec[plan.columns[i]->name] = typed(*plan.columns[i], row[static_cast<int>(i)]);
  }
  return rec;
}

}  // namespace

PostgresConnector::PostgresConnector(const PostgresConnectorConfig& config)
    : dsn_(config.dsn),
      pool_size_(config.pool_size),
      statement_timeout_(config.statement_timeout),
      connect_timeout_(config.connect_timeout),
      max_queued_(config.pool_size * 64),
      executor_(config.pool_size) {}

PostgresConnector::~PostgresConnector() {
  executor_.join();
}

void PostgresConnector::fetch(std::shared_ptr<const FetchRequest> request, FetchDone done) {
  // Bounded: past the queue limit the caller gets 503 at once instead of waiting without end.
  if (in_flight_.fetch_add(1) >= max_queued_) {
    in_flight_.fetch_sub(1);
    FetchOutcome busy =
        make_problem(503, "source-busy",
                     "The source holder's database has too many queries queued. Try "
                     "again shortly.");
    done(std::move(busy));
    return;
  }
  executor_.post([this, request = std::move(request), done = std::move(done)]() {
    FetchOutcome outcome = run(*request);
    in_flight_.fetch_sub(1);
    done(std::move(outcome));
  });
}

std::unique_ptr<PgSession> PostgresConnector::acquire(std::optional<Problem>& problem) {
  {
    std::lock_guard lock(mutex_);
    if (!idle_.empty()) {
      auto c = std::move(idle_.back());
      idle_.pop_back();
      return c;
    }
    if (std::chrono::steady_clock::now() < retry_after_) {
      problem = unavailable();
      return nullptr;
    }
  }
  try {
    auto secs = std::max<long long>(
        1, std::chrono::duration_cast<std::chrono::seconds>(connect_timeout_).count());
    auto c = std::make_unique<PgSession>(dsn_ + " connect_timeout=" + std::to_string(secs) +
                                         " application_name=bronpoort");
    pqxx::nontransaction setup(c->conn);
    setup.exec("SET statement_timeout = " + std::to_string(statement_timeout_.count()));
    // The gateway only reads; even a mistaken grant on the role cannot make it write.
    setup.exec("SET default_transaction_read_only = on");
    setup.commit();
    return c;
  } catch (const std::exception& e) {
    // libpq's message names the host, never the password; the DSN itself is never logged.
    common::log_event(common::Level::Warn, "source-connect-failed",
                      {{"kind", "postgres"}, {"error", e.what()}});
    std::lock_guard lock(mutex_);
    retry_after_ = std::chrono::steady_clock::now() + kFailFastWindow;
    problem = unavailable();
    return nullptr;
  }
}

void PostgresConnector::release(std::unique_ptr<PgSession> c) {
  std::lock_guard lock(mutex_);
  if (idle_.size() < pool_size_) idle_.push_back(std::move(c));
}

FetchOutcome PostgresConnector::run(const FetchRequest& request) {
  auto plan = build_sql(*request.resource, request.query, request.fields, request.order_key);
  if (!plan.ok()) return make_problem(400, "invalid-query", plan.error());
  const SqlPlan& sql = plan.value();
  std::optional<Problem> problem;
  auto conn = acquire(problem);
  if (!conn) return std::move(*problem);
  try {
    FetchedPage page;
    pqxx::read_transaction tx(conn->conn);
    if (sql.count) {
      auto r =
          tx.exec_params(sql.count->text, pqxx::prepare::make_dynamic_params(sql.count->params));
      page.total = r[0][0].as<long long>();
    }
    auto rows =
        tx.exec_params(sql.select.text, pqxx::prepare::make_dynamic_params(sql.select.params));
    tx.commit();
    if (request.query.operation == DataOperation::Detail) {
      if (rows.empty()) {
        release(std::move(conn));
        return make_problem(404, "record-not-found",
                            "No record with this id in " + request.resource->id + ".");
      }
      page.body = to_record(sql, rows[0]);
    } else {
      page.body = nlohmann::json::array();
      int page_size = request.query.page_size;
      for (int i = 0; i < static_cast<int>(rows.size()) && i < page_size; ++i) {
        page.body.push_back(to_record(sql, rows[i]));
      }
      page.has_next = static_cast<int>(rows.size()) > page_size;
    }
    release(std::move(conn));
    return page;
  } catch (const pqxx::broken_connection& e) {
    common::log_event(common::Level::Warn, "source-connection-lost",
                      {{"kind", "postgres"}, {"error", e.what()}});
    return unavailable();  // the broken connection is dropped, not returned to the pool
  } catch (const pqxx::sql_error& e) {
    const std::string& state = e.sqlstate();
    if (state == "57014") {
      // statement_timeout fired: the database is up but slow; the connection stays usable.
      release(std::move(conn));
      return make_problem(504, "source-timeout",
                          "The source holder's database did not answer in time.");
    }
    if (state.rfind("08", 0) == 0 || state.rfind("57P", 0) == 0) {
      // Connection exceptions and shutdowns leave the connection unusable: drop it.
      return unavailable();
    }
    common::log_event(common::Level::Warn, "source-query-failed",
                      {{"kind", "postgres"}, {"sqlstate", state}});
    release(std::move(conn));
    return make_problem(502, "source-error", "The source holder's database refused the query.");
  } catch (const std::exception& e) {
    common::log_event(common::Level::Warn, "source-failed",
                      {{"kind", "postgres"}, {"error", e.what()}});
    return make_problem(502, "source-error", "The source holder's database failed.");
  }
}

}  // namespace bronpoort::sources
