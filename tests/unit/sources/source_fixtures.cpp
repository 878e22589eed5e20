#include "source_fixtures.hpp"

#include <pqxx/pqxx>

#include <sys/wait.h>
#include <unistd.h>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>

namespace bronpoort::sources::testing {

std::string DemoSourceProcess::binary() {
  // unit_tests is build/tests/unit_tests; the demo source is build/bronpoort-demo-source.
  auto exe = std::filesystem::read_symlink("/proc/self/exe");
  return (exe.parent_path().parent_path() / "bronpoort-demo-source").string();
}

DemoSourceProcess::DemoSourceProcess(std::size_t persons, int port) {
  std::string out = "/tmp/bronpoort-demo-source-" + std::to_string(::getpid()) + "-" +
                    std::to_string(reinterpret_cast<std::uintptr_t>(this)) + ".out";
  std::string bin = binary();
  if (!std::filesystem::exists(bin)) {
    ADD_FAILURE() << "build the bronpoort-demo-source target first: " << bin;
    return;
  }
  pid_t pid = ::fork();
  if (pid == 0) {
    std::freopen(out.c_str(), "w", stdout);
    std::string p = std::to_string(persons), po = std::to_string(port);
    ::execl(bin.c_str(), bin.c_str(), "--port", po.c_str(), "--persons", p.c_str(), "--threads",
            "2", static_cast<char*>(nullptr));
    ::_exit(127);
  }
  pid_ = pid;
  for (int i = 0; i < 300 && port_ == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    std::ifstream in(out);
    std::string line;
    if (std::getline(in, line) && line.rfind("listening on ", 0) == 0) {
      port_ = std::stoi(line.substr(line.rfind(':') + 1));
    }
  }
  std::filesystem::remove(out);
  if (port_ == 0) ADD_FAILURE() << "demo source did not start";
}

DemoSourceProcess::~DemoSourceProcess() {
  kill();
}

void DemoSourceProcess::kill() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  ::waitpid(pid_, nullptr, 0);
  pid_ = -1;
}

void DemoSourceProcess::set_fault(const std::string& mode, const std::string& path, int delay_ms) {
  std::string cmd = "curl -sf -o /dev/null -X PUT http://127.0.0.1:" + std::to_string(port_) +
                    "/_control/fault -d '{\"mode\":\"" + mode + "\",\"path\":\"" + path +
                    "\",\"delayMs\":" + std::to_string(delay_ms) + "}'";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
}

bool PgTestDatabase::available() {
  return std::getenv("BRONPOORT_TEST_PG_DSN") != nullptr;
}

PgTestDatabase::PgTestDatabase() {
  admin_dsn_ = std::getenv("BRONPOORT_TEST_PG_DSN");
  name_ = "bronpoort_sources_" + std::to_string(::getpid()) + "_" +
          std::to_string(std::chrono::steady_clock::now().time_since_epoch().count() % 1000000);
  pqxx::connection c(admin_dsn_);
  pqxx::nontransaction tx(c);
  tx.exec("CREATE DATABASE " + name_);
  auto pos = admin_dsn_.find("dbname=");
  dsn_ = admin_dsn_.substr(0, pos) + "dbname=" + name_;
}

PgTestDatabase::~PgTestDatabase() {
  try {
    pqxx::connection c(admin_dsn_);
    pqxx::nontransaction tx(c);
    tx.exec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + name_ +
            "'");
    tx.exec("DROP DATABASE IF EXISTS " + name_);
  } catch (const std::exception& e) {
    ADD_FAILURE() << "dropping " << name_ << ": " << e.what();
  }
}

void PgTestDatabase::exec(const std::string& sql) const {
  pqxx::connection c(dsn_);
  pqxx::work tx(c);
  tx.exec(sql);
  tx.commit();
}

FetchOutcome fetch_and_wait(SourceConnector& connector, std::shared_ptr<const FetchRequest> request,
                            std::chrono::milliseconds timeout) {
  auto promise = std::make_shared<std::promise<FetchOutcome>>();
  auto future = promise->get_future();
  connector.fetch(std::move(request),
                  [promise](FetchOutcome o) { promise->set_value(std::move(o)); });
  if (future.wait_for(timeout) != std::future_status::ready) {
    ADD_FAILURE() << "fetch did not complete in time";
    return make_problem(599, "test-timeout", "no answer");
  }
  return future.get();
}

std::shared_ptr<FetchRequest> make_request(std::shared_ptr<const Registry> registry,
                                           const Resource* resource, DataQuery query) {
  auto r = std::make_shared<FetchRequest>();
  r->registry = std::move(registry);
  r->resource = resource;
  r->query = std::move(query);
  r->fields = r->query.fields;
  r->traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
  return r;
}

}  // namespace bronpoort::sources::testing
