#pragma once
// Test helpers for the connectors: the demo source as a child process, a throwaway PostgreSQL
// database, and a blocking wrapper around the asynchronous fetch.

#include <bronpoort/sources/connector.hpp>
#include <bronpoort/sources/registry.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <memory>
#include <optional>
#include <string>

namespace bronpoort::sources::testing {

// Runs build/bronpoort-demo-source on a free loopback port; killed in the destructor.
class DemoSourceProcess {
 public:
  explicit DemoSourceProcess(std::size_t persons = 2000, int port = 0);
  ~DemoSourceProcess();
  bool running() const { return pid_ > 0; }
  int port() const { return port_; }
  void kill();
  // PUT /_control/fault: mode none|slow|garbage|invalid|oversized|error500|reset|http-garbage.
  void set_fault(const std::string& mode, const std::string& path = "", int delay_ms = 10000);
  static std::string binary();

 private:
  int pid_ = -1;
  int port_ = 0;
};

// A uniquely named database in the test cluster (BRONPOORT_TEST_PG_DSN), dropped afterwards.
class PgTestDatabase {
 public:
  PgTestDatabase();
  ~PgTestDatabase();
  // Skip (no DSN, not required) or fail (no DSN but BRONPOORT_REQUIRE_PG) is decided by the test.
  static bool available();
  const std::string& dsn() const { return dsn_; }
  void exec(const std::string& sql) const;

 private:
  std::string admin_dsn_;
  std::string name_;
  std::string dsn_;
};

// Calls connector.fetch and waits for the outcome (at most `timeout`).
FetchOutcome fetch_and_wait(SourceConnector& connector, std::shared_ptr<const FetchRequest> request,
                            std::chrono::milliseconds timeout = std::chrono::seconds(20));

// A request for `resource` (which must live in `registry`).
std::shared_ptr<FetchRequest> make_request(std::shared_ptr<const Registry> registry,
                                           const Resource* resource, DataQuery query);

#define BRONPOORT_REQUIRE_PG_OR_SKIP()                                            \
  do {                                                                            \
    if (!::bronpoort::sources::testing::PgTestDatabase::available()) {            \
      if (std::getenv("BRONPOORT_REQUIRE_PG") != nullptr) {                       \
        FAIL() << "BRONPOORT_REQUIRE_PG is set but BRONPOORT_TEST_PG_DSN is not"; \
      }                                                                           \
      GTEST_SKIP() << "BRONPOORT_TEST_PG_DSN not set";                            \
    }                                                                             \
  } while (false)

}  // namespace bronpoort::sources::testing
