#include <bronpoort/common/sqlite_connection.hpp>

#include <gtest/gtest.h>

#include <unistd.h>

namespace bronpoort::common {
namespace {

class SqliteConnectionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("bp-sqlite-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path dir_;
};

std::string pragma(SqliteConnection& db, const std::string& name) {
  SqliteStatement st(db, "PRAGMA " + name);
  EXPECT_TRUE(st.step());
  return st.text(0);
}

TEST_F(SqliteConnectionTest, OpensInWalWithFullSync) {
  SqliteConnection db(dir_ / "a.db", {.create_directories = true});
  EXPECT_EQ(pragma(db, "journal_mode"), "wal");
  EXPECT_EQ(pragma(db, "synchronous"), "2");  // FULL
  EXPECT_TRUE(std::filesystem::exists(dir_ / "a.db"));
}

TEST_F(SqliteConnectionTest, MissingDirectoryIsAStoreErrorUnlessAskedToCreateIt) {
  try {
    SqliteConnection db(dir_ / "missing" / "a.db");
    FAIL() << "opened a file in a missing directory";
  } catch (const StoreError& e) {
    EXPECT_NE(std::string(e.what()).find((dir_ / "missing" / "a.db").string()), std::string::npos);
  }
  SqliteConnection db(dir_ / "made" / "a.db", {.create_directories = true});
  EXPECT_TRUE(std::filesystem::exists(dir_ / "made" / "a.db"));
}

TEST_F(SqliteConnectionTest, StatementsBindStepAndRead) {
  SqliteConnection db(dir_ / "a.db", {.create_directories = true});
  db.exec("CREATE TABLE t (name TEXT NOT NULL, n INTEGER NOT NULL)");
  SqliteStatement insert(db, "INSERT INTO t (name, n) VALUES (?1, ?2)");
  insert.arg(std::string("a\0b", 3)).arg(std::int64_t{42});
  EXPECT_FALSE(insert.step());
  insert.reset();
  insert.bind_text(1, "second");
  insert.bind_int(2, -7);
  EXPECT_FALSE(insert.step());
  SqliteStatement select(db, "SELECT name, n FROM t ORDER BY n DESC");
  EXPECT_EQ(select.columns(), 2);
  ASSERT_TRUE(select.step());
  EXPECT_EQ(select.text(0), std::string("a\0b", 3));  // the whole text, past a NUL
  EXPECT_EQ(select.integer(1), 42);
  ASSERT_TRUE(select.step());
  EXPECT_EQ(select.text(0), "second");
  EXPECT_FALSE(select.step());
}

TEST_F(SqliteConnectionTest, ErrorsAreStoreErrors) {
  SqliteConnection db(dir_ / "a.db", {.create_directories = true});
  EXPECT_THROW(db.exec("NOT SQL"), StoreError);
  EXPECT_THROW(SqliteStatement(db, "SELECT * FROM missing"), StoreError);
  db.exec("CREATE TABLE t (n INTEGER NOT NULL)");
  SqliteStatement insert(db, "INSERT INTO t (n) VALUES (NULL)");
  EXPECT_THROW(insert.step(), StoreError);
}

TEST_F(SqliteConnectionTest, TwoConnectionsShareTheFile) {
  SqliteConnection writer(dir_ / "a.db", {.serialized = true, .create_directories = true});
  SqliteConnection reader(dir_ / "a.db");
  writer.exec("CREATE TABLE t (n INTEGER); INSERT INTO t VALUES (1)");
  SqliteStatement select(reader, "SELECT n FROM t");
  ASSERT_TRUE(select.step());
  EXPECT_EQ(select.integer(0), 1);
}

}  // namespace
}  // namespace bronpoort::common
