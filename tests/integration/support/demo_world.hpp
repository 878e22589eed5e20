#pragma once
// The demo world for end-to-end tests: the demo source holder as a child process on a free port,
// the committed demo gateway.json pointed into the source tree, and the demo debt registry loaded
// into the throwaway PostgreSQL cluster the test script runs.

#include "gateway_process.hpp"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>

namespace bronpoort::testing {

std::string slurp(const std::filesystem::path& p);

// bronpoort-demo-source --port 0 --persons N, stopped on destruction.
class DemoSource {
 public:
  explicit DemoSource(const TempDir& dir, int persons = 500);
  ~DemoSource();
  DemoSource(const DemoSource&) = delete;
  DemoSource& operator=(const DemoSource&) = delete;
  int port() const { return port_; }

 private:
  std::filesystem::path out_;
  int pid_ = -1;
  int port_ = 0;
};

// A demo token from `bronpoort token` on the gateway's own config, e.g. args
// "--sub alice --org <OIN> --role analyst". Fails the test when the command fails.
std::string demo_token(const GatewayProcess& gateway, const TempDir& dir, const std::string& args);

// The committed demo gateway.json for a temporary directory that holds copies of the source and
// purpose registrations: a free port, a local store, and every other path into the source tree.
nlohmann::json demo_gateway_config();

// Copies the committed source registrations into `dir`/sources, with the demo source's address
// replaced by `demo_port` when it is not 0, and the purposes into `dir`/purposes.
void copy_demo_registrations(const TempDir& dir, int demo_port);

// Loads the demo debt registry (scripts/load-demo-pg.sh) into a database of its own in the
// cluster of BRONPOORT_TEST_PG_DSN, its BSNs drawn from the first `persons` demo persons.
// Returns the read-only DSN, or "" when there is no cluster (the caller skips or fails).
std::string load_demo_debt_registry(const TempDir& dir, const std::string& database, int cases,
                                    int persons = 0);

}  // namespace bronpoort::testing
