#pragma once
// A store of each kind for one test: a fresh SQLite file, or a fresh database in the PostgreSQL
// cluster of BRONPOORT_TEST_PG_DSN, removed afterwards. open() gives a new connection each time,
// so a test can look at the store behind the service's back.

#include <bronpoort/access/access_store.hpp>

#include <pqxx/pqxx>

#include <unistd.h>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <random>
#include <string>

namespace bronpoort::access::test {

// The DSN of the throwaway cluster, or nullptr when there is none (PostgreSQL tests skip, or fail
// under BRONPOORT_REQUIRE_PG).
inline const char* test_pg_dsn() {
  const char* dsn = std::getenv("BRONPOORT_TEST_PG_DSN");
  return dsn && *dsn ? dsn : nullptr;
}

class StoreHandle {
 public:
  virtual ~StoreHandle() = default;
  virtual std::unique_ptr<AccessStore> open() = 0;
};

class SqliteHandle final : public StoreHandle {
 public:
  SqliteHandle()
      : path_(std::filesystem::temp_directory_path() /
              ("bronpoort-store-" + std::to_string(::getpid()) + "-" +
               std::to_string(std::random_device{}()) + ".db")) {}
  ~SqliteHandle() override {
    for (auto s : {"", "-wal", "-shm"}) std::filesystem::remove(path_.string() + s);
  }
  std::unique_ptr<AccessStore> open() override { return open_sqlite_store(path_); }

 private:
  std::filesystem::path path_;
};

class PostgresHandle final : public StoreHandle {
 public:
  explicit PostgresHandle(std::string admin_dsn) : admin_dsn_(std::move(admin_dsn)) {
    name_ =
        "bp_access_" + std::to_string(::getpid()) + "_" + std::to_string(std::random_device{}());
    pqxx::connection c(admin_dsn_);
    pqxx::nontransaction tx(c);
    tx.exec("CREATE DATABASE " + name_);
  }
  ~PostgresHandle() override {
    try {
      pqxx::connection c(admin_dsn_);
      pqxx::nontransaction tx(c);
      tx.exec("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
    } catch (const std::exception&) {
    }
  }
  // libpq takes the last value of a repeated keyword, so the test database overrides the DSN's.
  std::unique_ptr<AccessStore> open() override {
    return open_postgres_store(admin_dsn_ + " dbname=" + name_);
  }

 private:
  std::string admin_dsn_;
  std::string name_;
};

}  // namespace bronpoort::access::test
