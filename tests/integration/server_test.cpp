// The HTTP server core through the real binary: keep-alive, concurrency, limits, timeouts,
// malformed input, trace context, shutdown and reload.

#include "support/gateway_process.hpp"
#include "support/http_client.hpp"

#include <gtest/gtest.h>

#include <csignal>
#include <thread>

namespace bronpoort::testing {
namespace {

using namespace std::chrono_literals;

// Reads the 408 that cuts off a header stalled since `start`, and checks when it came.
void expect_cut_off(Connection& c, std::chrono::steady_clock::time_point start,
                    std::chrono::milliseconds at_least, std::chrono::milliseconds before) {
  auto r = c.read_response(5s);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 408);
  EXPECT_GE(elapsed, at_least);
  EXPECT_LT(elapsed, before);
}

// Sends GET /healthz on `c` and expects it answered 200.
void expect_up(Connection& c) {
  ASSERT_TRUE(c.send(build_request("GET", "/healthz")));
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
}

TEST(Server, KeepAliveServesManySequentialRequestsOnOneConnection) {
  TempDir dir;
  GatewayProcess gw(dir, minimal_config());
  Connection c(gw.port());
  ASSERT_TRUE(c.connected());
  for (int i = 0; i < 300; ++i) {
    ASSERT_TRUE(c.send(build_request("GET", "/healthz")));
    auto r = c.read_response();
    ASSERT_TRUE(r) << "request " << i;
    ASSERT_EQ(r->status, 200);
    EXPECT_EQ(r->body, R"({"status":"up"})");
  }
}

TEST(Server, ServesThousandConcurrentConnections) {
  raise_fd_limit();
  TempDir dir;
  GatewayProcess gw(dir, minimal_config());
  std::vector<std::unique_ptr<Connection>> conns;
  for (int i = 0; i < 1000; ++i) {
    conns.push_back(std::make_unique<Connection>(gw.port()));
    ASSERT_TRUE(conns.back()->connected()) << "connection " << i;
  }
  // Every connection is open at once before any request is sent.
  for (auto& c : conns) ASSERT_TRUE(c->send(build_request("GET", "/healthz")));
  int ok = 0;
  for (auto& c : conns) {
    auto r = c->read_response(20s);
    if (r && r->status == 200) ++ok;
  }
  EXPECT_EQ(ok, 1000);
}

TEST(Server, OversizedHeaderGets431) {
  TempDir dir;
  auto cfg = minimal_config();
  cfg["server"]["limits"] = {{"maxHeaderBytes", 2048}};
  GatewayProcess gw(dir, cfg);
  auto r = request(gw.port(), "GET", "/healthz", "", "X-Filler: " + std::string(4000, 'a'));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 431);
  EXPECT_EQ(r->header("content-type"), "application/problem+json");
  EXPECT_NE(r->body.find("header-too-large"), std::string::npos);
}

TEST(Server, OversizedBodyGets413WithoutReadingIt) {
  TempDir dir;
  auto cfg = minimal_config();
  cfg["server"]["limits"] = {{"maxBodyBytes", 1000}};
  GatewayProcess gw(dir, cfg);
  Connection c(gw.port());
  // Announce 10 MB but send none of it: the limit applies to the declared length.
  ASSERT_TRUE(c.send("POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 10000000\r\n\r\n"));
  auto r = c.read_response(5s);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
  EXPECT_NE(r->body.find("body-too-large"), std::string::npos);
  EXPECT_TRUE(c.closed_by_peer(5s));
}

TEST(Server, SlowHeaderSenderIsCutOffAtConfiguredTime) {
  TempDir dir;
  auto cfg = minimal_config();
  cfg["server"]["limits"] = {{"headerTimeoutMs", 500}};
  GatewayProcess gw(dir, cfg);
  Connection c(gw.port());
  auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(c.send("GET /healthz HTTP/1.1\r\nHo"));
  // Keep trickling one byte at a time, as a slowloris client does.
  std::thread trickle([&] {
    for (int i = 0; i < 10; ++i) {
      std::this_thread::sleep_for(150ms);
      if (!c.send("s")) return;
    }
  });
  expect_cut_off(c, start, 450ms, 3s);
  trickle.join();
}

TEST(Server, IdleConnectionWithoutRequestIsClosedAfterHeaderTimeout) {
  TempDir dir;
  auto cfg = minimal_config();
  cfg["server"]["limits"] = {{"headerTimeoutMs", 300}};
  GatewayProcess gw(dir, cfg);
  Connection c(gw.port());
  auto r = c.read_response(3s);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 408);
  EXPECT_TRUE(c.closed_by_peer(2s));
}

// An idle kept-alive connection waits without a read buffer or parser (issue 13); it must still
// answer its next request, including one that arrives in pieces, and close at the idle timeout.
TEST(Server, KeptAliveConnectionAnswersLaterRequestsAndClosesAfterTheIdleTimeout) {
  TempDir dir;
  auto cfg = minimal_config();
  cfg["server"]["limits"] = {{"idleTimeoutMs", 800}};
  GatewayProcess gw(dir, cfg);
  Connection c(gw.port());
  expect_up(c);
  std::this_thread::sleep_for(300ms);
  const auto request = build_request("GET", "/healthz");
  ASSERT_TRUE(c.send(request.substr(0, 10)));
  std::this_thread::sleep_for(100ms);
  ASSERT_TRUE(c.send(request.substr(10)));
  auto second = c.read_response();
  ASSERT_TRUE(second);
  EXPECT_EQ(second->status, 200);
  const auto idle_from = std::chrono::steady_clock::now();
  EXPECT_TRUE(c.closed_by_peer(3s));
  EXPECT_GE(std::chrono::steady_clock::now() - idle_from, 600ms);
}

// A connection's timer is set at most the shortest timeout ahead and set again when it fires
// before the deadline (session.cpp): a kept-alive connection quiet for several header timeouts,
// but less than the idle timeout, stays open; a header that then stalls is cut off at the header
// timeout, not the idle one.
TEST(Server, EachPhaseKeepsItsOwnTimeoutOnAKeptAliveConnection) {
  TempDir dir;
  auto cfg = minimal_config();
  cfg["server"]["limits"] = {{"headerTimeoutMs", 300}, {"idleTimeoutMs", 4000}};
  GatewayProcess gw(dir, cfg);
  Connection c(gw.port());
  expect_up(c);
  std::this_thread::sleep_for(1200ms);  // four header timeouts
  expect_up(c);
  const auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(c.send("GET /healthz HTTP/1.1\r\nHo"));
  expect_cut_off(c, start, 250ms, 2s);
}

// A body that arrives after its header must be read whole, and not taken for the next request.
TEST(Server, ABodyArrivingAfterItsHeaderIsReadWholeBeforeTheNextRequest) {
  TempDir dir;
  GatewayProcess gw(dir, minimal_config());
  Connection c(gw.port());
  const std::string body = R"({"note":"GET /healthz HTTP/1.1 inside a body"})";
  ASSERT_TRUE(
      c.send("POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
             "Content-Length: " +
             std::to_string(body.size()) + "\r\n\r\n" + body.substr(0, 9)));
  std::this_thread::sleep_for(200ms);
  ASSERT_TRUE(c.send(body.substr(9)));
  auto first = c.read_response();
  ASSERT_TRUE(first);
  EXPECT_NE(first->status, 400);
  EXPECT_NE(first->status, 408);
  expect_up(c);  // the body's bytes were not taken for a request
}

// Two requests in one write: the second is already buffered when the first is answered.
TEST(Server, PipelinedRequestsAreAnsweredInOrder) {
  TempDir dir;
  GatewayProcess gw(dir, minimal_config());
  Connection c(gw.port());
  ASSERT_TRUE(c.send(build_request("GET", "/healthz") + build_request("GET", "/nope")));
  auto first = c.read_response();
  ASSERT_TRUE(first);
  EXPECT_EQ(first->status, 200);
  auto second = c.read_response();
  ASSERT_TRUE(second);
  EXPECT_EQ(second->status, 404);
}

TEST(Server, MalformedRequestGets400AndConnectionCloses) {
  TempDir dir;
  GatewayProcess gw(dir, minimal_config());
  for (const char* garbage :
       {"GARBAGE\r\n\r\n", "GET /healthz HTTP/9.9\r\n\r\n",
        "GET /healthz HTTP/1.1\r\nBad Header\r\n\r\n", "GET /a%zz HTTP/1.1\r\nHost: x\r\n\r\n"}) {
    Connection c(gw.port());
    ASSERT_TRUE(c.send(garbage));
    auto r = c.read_response(5s);
    ASSERT_TRUE(r) << garbage;
    EXPECT_EQ(r->status, 400) << garbage;
    EXPECT_EQ(r->header("content-type"), "application/problem+json");
    EXPECT_TRUE(c.closed_by_peer(5s)) << garbage;
  }
  // And the server is still fine.
  auto ok = request(gw.port(), "GET", "/healthz");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200);
}

TEST(Server, EveryResponseCarriesApiVersionAndTraceparent) {
  TempDir dir;
  GatewayProcess gw(dir, minimal_config());
  const std::string incoming = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
  auto r = request(gw.port(), "GET", "/healthz", "", "traceparent: " + incoming);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->header("api-version"), "1.0.0");
  EXPECT_EQ(r->header("traceparent").substr(0, 36), "00-4bf92f3577b34da6a3ce929d0e0e4736-");
  EXPECT_NE(r->header("traceparent").substr(36, 16), "00f067aa0ba902b7");  // our own span

  auto fresh = request(gw.port(), "GET", "/nope", "", "traceparent: garbage");
  ASSERT_TRUE(fresh);
  EXPECT_EQ(fresh->status, 404);
  EXPECT_EQ(fresh->header("traceparent").size(), 55u);
  EXPECT_EQ(fresh->header("traceparent").find("4bf92f35"), std::string::npos);
  EXPECT_EQ(fresh->header("x-content-type-options"), "nosniff");
}

TEST(Server, MetricsCountRequestsByRouteTemplateAndStatus) {
  TempDir dir;
  GatewayProcess gw(dir, minimal_config());
  for (int i = 0; i < 3; ++i) request(gw.port(), "GET", "/healthz");
  request(gw.port(), "GET", "/v1/unknown/thing");
  auto r = request(gw.port(), "GET", "/metrics");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_NE(r->body.find(
                R"(bronpoort_http_requests_total{method="GET",route="/healthz",status="200"} 3)"),
            std::string::npos)
      << r->body;
  EXPECT_NE(r->body.find(R"(route="unmatched",status="404"} 1)"), std::string::npos);
  EXPECT_NE(r->body.find("bronpoort_http_request_duration_seconds_bucket"), std::string::npos);
  EXPECT_NE(r->body.find("bronpoort_http_connections_open"), std::string::npos);
  // Raw paths never become labels.
  EXPECT_EQ(r->body.find("/v1/unknown/thing"), std::string::npos);
}

TEST(Server, SigtermDrainsInFlightRequestThenExitsZero) {
  TempDir dir;
  GatewayProcess gw(dir, minimal_config());
  Connection busy(gw.port());
  // A request in flight: headers sent, body still arriving.
  ASSERT_TRUE(busy.send("POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n12345"));
  Connection idle(gw.port());
  ASSERT_TRUE(idle.send(build_request("GET", "/healthz")));
  ASSERT_TRUE(idle.read_response());
  std::this_thread::sleep_for(100ms);
  gw.signal(SIGTERM);
  ASSERT_TRUE(gw.wait_for_log("\"shutdown\"", 5s));
  EXPECT_TRUE(idle.closed_by_peer(3s));  // idle keep-alive connections are closed at once
  // New connections are refused or closed while draining.
  std::this_thread::sleep_for(200ms);
  ASSERT_TRUE(busy.send("67890"));
  auto r = busy.read_response(5s);
  ASSERT_TRUE(r) << "the in-flight request must still be answered";
  EXPECT_EQ(r->status, 405);  // POST on /healthz: answered, not dropped
  EXPECT_EQ(r->header("connection"), "close");
  EXPECT_EQ(gw.wait_exit(10s), 0);
}

TEST(Server, SighupWithBrokenConfigKeepsServingOldOne) {
  TempDir dir;
  GatewayProcess gw(dir, minimal_config());
  dir.write("gateway.json", R"({"server": {"listeners": "not-a-list"}})");
  gw.signal(SIGHUP);
  ASSERT_TRUE(gw.wait_for_log("reload-rejected", 5s)) << gw.log();
  EXPECT_NE(gw.log().find("/server/listeners"), std::string::npos);  // the reason is logged
  auto r = request(gw.port(), "GET", "/healthz");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);

  dir.write("gateway.json", minimal_config().dump());
  gw.signal(SIGHUP);
  ASSERT_TRUE(gw.wait_for_log("\"reloaded\"", 5s));
  auto metrics = request(gw.port(), "GET", "/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_NE(metrics->body.find(R"(bronpoort_config_reloads_total{result="rejected"} 1)"),
            std::string::npos);
  EXPECT_NE(metrics->body.find(R"(bronpoort_config_reloads_total{result="ok"} 1)"),
            std::string::npos);
}

TEST(Server, InvalidConfigNeverStartsAServer) {
  TempDir dir;
  auto path = dir.write("bad.json", R"({"server": {"listeners": [{"port": 99999}]}, "extra": 1})");
  std::string cmd = std::string(BRONPOORT_BINARY) + " serve --config " + path.string() + " 2>" +
                    (dir.path() / "err").string();
  EXPECT_EQ(run_command(cmd), 1);
  cmd = std::string(BRONPOORT_BINARY) + " check-config --config " + path.string() + " 2>" +
        (dir.path() / "err").string();
  EXPECT_EQ(run_command(cmd), 1);
}

}  // namespace
}  // namespace bronpoort::testing
