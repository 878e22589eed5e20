// The HTTP connector against the real demo source process: queries, paging, detail, and every
// upstream fault mapped to its stated status.
#include "registry_fixture.hpp"
#include "source_fixtures.hpp"

#include <bronpoort/sources/runtime.hpp>

#include <gtest/gtest.h>

#include <boost/asio/post.hpp>

#include <future>
#include <set>
#include <thread>

namespace bronpoort::sources {
namespace {

using testing::fetch_and_wait;
using testing::make_request;

// The demo registry with every HTTP connector pointed at the test's demo source.
std::shared_ptr<const Registry> registry_on_port(int port, int read_timeout_ms = 5000) {
  auto reg = std::make_shared<Registry>(*testing::demo_registry());
  for (auto& ds : reg->datasets) {
    for (auto& res : ds.resources) {
      if (res.connector.kind != ConnectorConfig::Kind::Http) continue;
      res.connector.http.port = std::to_string(port);
      res.connector.http.read_timeout = std::chrono::milliseconds(read_timeout_ms);
      res.connector.http.max_response_bytes = 1 << 20;
    }
  }
  return reg;
}

class HttpConnectorTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { demo_ = new testing::DemoSourceProcess(2000); }
  static void TearDownTestSuite() {
    delete demo_;
    demo_ = nullptr;
  }
  void SetUp() override {
    ASSERT_TRUE(demo_->running());
    demo_->set_fault("none");
    registry_ = registry_on_port(demo_->port(), 1500);
    runtime_ = std::make_unique<SourceRuntime>();
  }
  void TearDown() override { demo_->set_fault("none"); }
  const Resource* resource(const std::string& ds, const std::string& res) {
    return registry_->dataset(ds)->resource(res);
  }
  FetchOutcome fetch(const Resource* res, DataQuery q) {
    auto connector = runtime_->connector_for(*res);
    return fetch_and_wait(*connector, make_request(registry_, res, std::move(q)));
  }
  static DataQuery list(int page_size, int page = 1) {
    DataQuery q;
    q.page_size = page_size;
    q.page = page;
    return q;
  }

  static testing::DemoSourceProcess* demo_;
  std::shared_ptr<const Registry> registry_;
  std::unique_ptr<SourceRuntime> runtime_;
};

testing::DemoSourceProcess* HttpConnectorTest::demo_ = nullptr;

TEST_F(HttpConnectorTest, ListsWithFilterSortPagingAndTotal) {
  DataQuery q = list(5);
  q.filters.push_back({"city", FilterOp::Eq, {"Utrecht"}, "city"});
  q.filters.push_back({"houseNumber", FilterOp::Gte, {100}, "houseNumberGte"});
  q.sort.push_back({"houseNumber", true});
  q.include_total = true;
  auto out = fetch(resource("addresses", "addresses"), q);
  ASSERT_TRUE(out.ok()) << out.error().detail;
  ASSERT_EQ(out.value().body.size(), 5u);
  EXPECT_TRUE(out.value().has_next);
  ASSERT_TRUE(out.value().total);
  EXPECT_GT(*out.value().total, 5);
  int last = 1000000;
  for (const auto& r : out.value().body) {
    EXPECT_EQ(r["city"], "Utrecht");
    EXPECT_GE(r["houseNumber"].get<int>(), 100);
    EXPECT_LE(r["houseNumber"].get<int>(), last);
    last = r["houseNumber"].get<int>();
  }
}

TEST_F(HttpConnectorTest, PagesFollowEachOtherWithoutOverlap) {
  const Resource* persons = resource("persons", "persons");
  DataQuery q = list(50);
  q.sort.push_back({"birthDate", false});
  auto p1 = fetch(persons, q);
  q.page = 2;
  auto p2 = fetch(persons, q);
  ASSERT_TRUE(p1.ok());
  ASSERT_TRUE(p2.ok());
  std::set<std::string> ids;
  for (const auto& r : p1.value().body) ids.insert(r["bsn"].get<std::string>());
  for (const auto& r : p2.value().body) EXPECT_TRUE(ids.insert(r["bsn"].get<std::string>()).second);
  EXPECT_LE(p1.value().body.back()["birthDate"].get<std::string>(),
            p2.value().body.front()["birthDate"].get<std::string>());
}

// With the id withheld (an order key set), records the source sorted as equal on the caller's key
// come in keyed-hash order, not in the source's id order; the page holds the same records.
TEST_F(HttpConnectorTest, TiesGoByKeyedHashWhenTheIdIsWithheld) {
  const Resource* persons = resource("persons", "persons");
  DataQuery q = list(40);
  q.sort.push_back({"municipality", false});
  auto connector = runtime_->connector_for(*persons);
  auto page = [&](const std::string& key, std::vector<std::string> fields) {
    auto request = make_request(registry_, persons, q);
    request->order_key = key;
    request->fields = std::move(fields);
    return fetch_and_wait(*connector, request);
  };
  auto plain = page("", {});
  auto keyed = page("demo-order-key", {});
  ASSERT_TRUE(plain.ok());
  ASSERT_TRUE(keyed.ok());
  ASSERT_EQ(plain.value().body.size(), keyed.value().body.size());
  std::multiset<std::string> plain_ids, keyed_ids;
  for (const auto& r : plain.value().body) plain_ids.insert(r["bsn"].get<std::string>());
  for (const auto& r : keyed.value().body) keyed_ids.insert(r["bsn"].get<std::string>());
  EXPECT_EQ(plain_ids, keyed_ids);
  bool differs = false;
  for (std::size_t i = 0; i < keyed.value().body.size(); ++i) {
    differs = differs || keyed.value().body[i]["bsn"] != plain.value().body[i]["bsn"];
    if (i == 0) continue;
    const auto& a = keyed.value().body[i - 1];
    const auto& b = keyed.value().body[i];
    // Still in the caller's order; within a municipality by the keyed hash of the BSN.
    EXPECT_LE(a["municipality"].get<std::string>(), b["municipality"].get<std::string>());
    if (a["municipality"] == b["municipality"]) {
      EXPECT_LT(keyed_order_value("demo-order-key", a["bsn"]),
                keyed_order_value("demo-order-key", b["bsn"]));
    }
  }
  EXPECT_TRUE(differs) << "40 people in only a few municipalities were left in BSN order";
  // A selection without the id is reordered all the same, and the id stays out of the records.
  auto selected = page("demo-order-key", {"municipality", "givenName"});
  ASSERT_TRUE(selected.ok());
  ASSERT_EQ(selected.value().body.size(), keyed.value().body.size());
  for (std::size_t i = 0; i < keyed.value().body.size(); ++i) {
    EXPECT_FALSE(selected.value().body[i].contains("bsn"));
    EXPECT_EQ(selected.value().body[i]["givenName"], keyed.value().body[i]["givenName"]);
  }
}

TEST_F(HttpConnectorTest, LastPageHasNoNext) {
  DataQuery q = list(100);
  q.filters.push_back({"plantId", FilterOp::Eq, {"RWZI-001"}, "plantId"});
  q.filters.push_back({"virus", FilterOp::In, {"RSV"}, "virusIn"});
  q.filters.push_back({"date", FilterOp::StartsWith, {"2025-01"}, "dateStartsWith"});
  auto out = fetch(resource("sewage-surveillance", "measurements"), q);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out.value().body.size(), 31u);
  EXPECT_FALSE(out.value().has_next);
}

TEST_F(HttpConnectorTest, FetchesOneRecordAndSelectsFields) {
  const Resource* addresses = resource("addresses", "addresses");
  auto first = fetch(addresses, list(1));
  ASSERT_TRUE(first.ok());
  DataQuery q;
  q.operation = DataOperation::Detail;
  q.id = first.value().body[0]["addressId"].get<std::string>();
  q.fields = {"street", "addressId"};
  auto out = fetch(addresses, q);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out.value().body["addressId"], q.id);
  EXPECT_EQ(out.value().body.size(), 2u);
}

TEST_F(HttpConnectorTest, AnswersNotFoundForAnUnknownId) {
  DataQuery q;
  q.operation = DataOperation::Detail;
  q.id = "0000000000000000/../../etc";
  auto out = fetch(resource("addresses", "addresses"), q);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.error().status, 404);
  EXPECT_EQ(out.error().code, "record-not-found");
}

TEST_F(HttpConnectorTest, SearchesByBsnInTheBody) {
  const Resource* persons = resource("persons", "persons");
  auto first = fetch(persons, list(3));
  ASSERT_TRUE(first.ok());
  DataQuery q = list(10);
  q.operation = DataOperation::Search;
  q.filters.push_back({"bsn", FilterOp::Eq, {first.value().body[1]["bsn"]}, "/filters/bsn/eq"});
  auto out = fetch(persons, q);
  ASSERT_TRUE(out.ok());
  ASSERT_EQ(out.value().body.size(), 1u);
  EXPECT_EQ(out.value().body[0], first.value().body[1]);
}

struct FaultCase {
  const char* mode;
  int status;
  const char* code;
};

class HttpFaultTest : public HttpConnectorTest, public ::testing::WithParamInterface<FaultCase> {};

TEST_P(HttpFaultTest, MapsTheUpstreamFault) {
  demo_->set_fault(GetParam().mode, "/bag", 4000);
  auto out = fetch(resource("addresses", "addresses"), list(5));
  ASSERT_FALSE(out.ok()) << out.value().body.dump().substr(0, 200);
  EXPECT_EQ(out.error().status, GetParam().status);
  EXPECT_EQ(out.error().code, GetParam().code);
  // Other upstream paths and, once the fault is gone, this one, keep working.
  auto other = fetch(resource("businesses", "businesses"), list(5));
  EXPECT_TRUE(other.ok());
  demo_->set_fault("none");
  auto again = fetch(resource("addresses", "addresses"), list(5));
  EXPECT_TRUE(again.ok()) << again.error().code;
}

INSTANTIATE_TEST_SUITE_P(Faults, HttpFaultTest,
                         ::testing::Values(FaultCase{"slow", 504, "source-timeout"},
                                           FaultCase{"garbage", 502, "source-invalid-response"},
                                           FaultCase{"invalid", 502, "source-invalid-response"},
                                           FaultCase{"oversized", 502, "source-response-too-large"},
                                           FaultCase{"error500", 502, "source-error"},
                                           FaultCase{"reset", 502, "source-unavailable"},
                                           FaultCase{"http-garbage", 502,
                                                     "source-invalid-response"}),
                         [](const auto& param_info) {
                           std::string n = param_info.param.mode;
                           n.erase(std::remove(n.begin(), n.end(), '-'), n.end());
                           return n;
                         });

TEST(HttpUpstreamDown, AnswersUnavailableAndRecoversWhenItReturns) {
  auto demo = std::make_unique<testing::DemoSourceProcess>(500);
  ASSERT_TRUE(demo->running());
  int port = demo->port();
  auto registry = registry_on_port(port);
  const Resource* res = registry->dataset("addresses")->resource("addresses");
  SourceRuntime runtime;
  auto connector = runtime.connector_for(*res);
  DataQuery q;
  q.page_size = 3;
  EXPECT_TRUE(fetch_and_wait(*connector, make_request(registry, res, q)).ok());
  demo->kill();
  auto down = fetch_and_wait(*connector, make_request(registry, res, q));
  ASSERT_FALSE(down.ok());
  EXPECT_EQ(down.error().status, 502);
  EXPECT_EQ(down.error().code, "source-unavailable");
  demo = std::make_unique<testing::DemoSourceProcess>(500, port);
  ASSERT_TRUE(demo->running());
  auto back = fetch_and_wait(*connector, make_request(registry, res, q));
  EXPECT_TRUE(back.ok()) << back.error().code;
}

TEST(HttpUpstreamDown, TimesOutConnectingToABlackHole) {
  auto reg = std::make_shared<Registry>(*registry_on_port(9));
  auto& addresses = const_cast<Resource&>(*reg->dataset("addresses")->resource("addresses"));
  auto& http = addresses.connector.http;
  http.host = "10.255.255.1";  // not routed: the connect never completes
  http.connect_timeout = std::chrono::milliseconds(200);
  const Resource* res = &addresses;
  SourceRuntime runtime;
  auto out = fetch_and_wait(*runtime.connector_for(*res), make_request(reg, res, DataQuery{}));
  ASSERT_FALSE(out.ok());
  EXPECT_TRUE(out.error().status == 504 || out.error().status == 502) << out.error().status;
}

// With the server's I/O threads, a call made on one of them is sent and answered on that thread
// (its own pool), so the request never waits for a hand-off to another thread; a call made
// elsewhere is answered on one of them.
class PerThreadPools : public HttpConnectorTest {
 protected:
  void SetUp() override {
    HttpConnectorTest::SetUp();
    io_ = std::make_shared<net::IoThreads>(2);
    runner_ = std::thread([this] { io_->run(); });
  }
  void TearDown() override {
    io_->stop();
    runner_.join();
    HttpConnectorTest::TearDown();
  }
  struct Answer {
    bool ok = false;
    std::thread::id caller;
    std::thread::id completed_on;
  };
  // Fetches on I/O thread `thread`; the answer says which thread called and which completed.
  Answer fetch_on(SourceConnector& connector, std::size_t thread) {
    auto promise = std::make_shared<std::promise<Answer>>();
    auto future = promise->get_future();
    auto request = testing::make_request(registry_, resource("addresses", "addresses"), list(2));
    boost::asio::post(io_->context(thread), [&connector, request, promise] {
      auto caller = std::this_thread::get_id();
      connector.fetch(request, [promise, caller](FetchOutcome o) {
        promise->set_value({o.ok(), caller, std::this_thread::get_id()});
      });
    });
    EXPECT_EQ(future.wait_for(std::chrono::seconds(20)), std::future_status::ready);
    return future.get();
  }
  std::shared_ptr<net::IoThreads> io_;
  std::thread runner_;
};

TEST_F(PerThreadPools, ACallOnAnIoThreadIsAnsweredOnThatThread) {
  SourceRuntime runtime({1, io_});
  auto connector = runtime.connector_for(*resource("addresses", "addresses"));
  for (std::size_t thread : {0u, 1u, 0u, 1u}) {
    auto answer = fetch_on(*connector, thread);
    EXPECT_TRUE(answer.ok);
    EXPECT_EQ(answer.completed_on, answer.caller) << "thread " << thread;
  }
}

TEST_F(PerThreadPools, ACallFromElsewhereIsAnsweredOnAnIoThread) {
  SourceRuntime runtime({1, io_});
  auto connector = runtime.connector_for(*resource("addresses", "addresses"));
  std::set<std::thread::id> io_threads;
  for (std::size_t thread : {0u, 1u}) io_threads.insert(fetch_on(*connector, thread).caller);
  for (int i = 0; i < 4; ++i) {
    auto promise = std::make_shared<std::promise<std::thread::id>>();
    auto future = promise->get_future();
    connector->fetch(testing::make_request(registry_, resource("addresses", "addresses"), list(2)),
                     [promise](FetchOutcome o) {
                       EXPECT_TRUE(o.ok());
                       promise->set_value(std::this_thread::get_id());
                     });
    ASSERT_EQ(future.wait_for(std::chrono::seconds(20)), std::future_status::ready);
    EXPECT_EQ(io_threads.count(future.get()), 1u);
  }
}

// A cap smaller than the number of threads cannot be shared out: one pool serves every thread,
// so the source holder still never sees more connections than configured.
TEST_F(PerThreadPools, ACapBelowTheThreadCountKeepsOnePool) {
  auto reg = std::make_shared<Registry>(*registry_);
  for (auto& ds : reg->datasets) {
    for (auto& res : ds.resources) res.connector.http.max_connections = 1;
  }
  registry_ = reg;
  SourceRuntime runtime({1, io_});
  auto connector = runtime.connector_for(*resource("addresses", "addresses"));
  auto first = fetch_on(*connector, 0);
  auto second = fetch_on(*connector, 1);
  EXPECT_TRUE(first.ok);
  EXPECT_TRUE(second.ok);
  // One pool, on the upstream thread of its own: both answers arrive there.
  EXPECT_EQ(second.completed_on, first.completed_on);
  EXPECT_NE(first.completed_on, first.caller);
  EXPECT_NE(second.completed_on, second.caller);
}

}  // namespace
}  // namespace bronpoort::sources
