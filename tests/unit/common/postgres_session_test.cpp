// The PostgreSQL session against a real server when BRONPOORT_TEST_PG_DSN is set; without one only
// the unreachable-server case runs.
#include <bronpoort/common/postgres_session.hpp>

#include <gtest/gtest.h>

#include <cstdlib>

namespace bronpoort::common {
namespace {

TEST(PostgresSession, UnreachableServerIsAStoreError) {
  PostgresSession session("host=127.0.0.1 port=1 connect_timeout=1");
  EXPECT_THROW(session.open(), StoreError);
  EXPECT_THROW(session.transaction([](pqxx::work&) {}), StoreError);
}

class PostgresSessionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* dsn = std::getenv("BRONPOORT_TEST_PG_DSN");
    if (!dsn || !*dsn) {
      if (std::getenv("BRONPOORT_REQUIRE_PG")) FAIL() << "BRONPOORT_TEST_PG_DSN is not set";
      GTEST_SKIP() << "BRONPOORT_TEST_PG_DSN is not set";
    }
    session_ = std::make_unique<PostgresSession>(dsn);
    session_->open();
  }
  std::unique_ptr<PostgresSession> session_;
};

TEST_F(PostgresSessionTest, CommitsUnlessTheBodySaysNo) {
  session_->transaction(
      [](pqxx::work& tx) { tx.exec("CREATE TEMP TABLE IF NOT EXISTS session_test (n INTEGER)"); });
  EXPECT_TRUE(session_->transaction([](pqxx::work& tx) {
    tx.exec("INSERT INTO session_test VALUES (1)");
    return true;
  }));
  EXPECT_FALSE(session_->transaction([](pqxx::work& tx) {
    tx.exec("INSERT INTO session_test VALUES (2)");
    return false;  // rolled back
  }));
  auto count = [&] {
    long long n = 0;
    session_->transaction([&](pqxx::work& tx) {
      n = tx.exec("SELECT count(*) FROM session_test")[0][0].as<long long>();
    });
    return n;
  };
  EXPECT_EQ(count(), 1);
}

TEST_F(PostgresSessionTest, DatabaseErrorsAndThrowsInTheBodyAreStoreErrors) {
  EXPECT_THROW(
      session_->transaction([](pqxx::work& tx) { tx.exec("SELECT * FROM missing_table"); }),
      StoreError);
  EXPECT_THROW(session_->transaction([](pqxx::work&) { throw std::runtime_error("body failed"); }),
               StoreError);
  // The session is usable after a failed transaction.
  EXPECT_TRUE(session_->transaction(
      [](pqxx::work& tx) { return tx.exec("SELECT 1")[0][0].as<int>() == 1; }));
}

TEST_F(PostgresSessionTest, ABrokenConnectionIsOpenedAgainOnce) {
  int calls = 0;
  session_->transaction([&](pqxx::work& tx) {
    if (++calls == 1) {
      // Ends this session's own backend: the statement fails with a broken connection.
      tx.exec("SELECT pg_terminate_backend(pg_backend_pid())");
    }
  });
  EXPECT_EQ(calls, 2);
}

}  // namespace
}  // namespace bronpoort::common
