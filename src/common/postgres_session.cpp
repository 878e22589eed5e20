#include <bronpoort/common/postgres_session.hpp>

namespace bronpoort::common {

void PostgresSession::open() {
  std::lock_guard lock(mutex_);
  try {
    connection();
  } catch (const std::exception& e) {
    throw StoreError(std::string("PostgreSQL connect: ") + e.what());
  }
}

pqxx::connection& PostgresSession::connection() {
  if (!conn_ || !conn_->is_open()) {
    conn_.reset();
    conn_ = std::make_unique<pqxx::connection>(dsn_);
  }
  return *conn_;
}

}  // namespace bronpoort::common
