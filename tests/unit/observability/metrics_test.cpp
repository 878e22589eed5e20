// The request series: each request counts once under its route template, method and status, and
// its latency under its route, whether the series is new or found again, from several threads.

#include <bronpoort/observability/metrics.hpp>

#include <gtest/gtest.h>

#include <regex>
#include <thread>
#include <vector>

namespace bronpoort::observability {
namespace {

using namespace std::chrono_literals;

// The value of the series line that starts with `series` (name and labels as rendered), or -1.
double value_of(const std::string& text, const std::string& series) {
  std::size_t at = 0;
  while ((at = text.find(series, at)) != std::string::npos) {
    if (at == 0 || text[at - 1] == '\n') {
      const auto end = text.find('\n', at);
      return std::stod(text.substr(at + series.size(), end - at - series.size()));
    }
    at += series.size();
  }
  return -1;
}

TEST(Metrics, CountsEachRequestUnderItsRouteMethodAndStatus) {
  Metrics m;
  const std::string long_route = "/v1/datasets/{dataset}/{resource}/{id}";
  m.request_finished(long_route, "GET", 200, 2ms);
  m.request_finished(long_route, "GET", 200, 20ms);
  m.request_finished(long_route, "GET", 403, 1ms);
  m.request_finished(long_route, "POST", 200, 1ms);
  m.request_finished("", "GET", 404, 1ms);
  m.request_finished("/healthz", "GET", 200, 1ms);
  const auto text = m.render();
  const std::string series = "bronpoort_http_requests_total{";
  EXPECT_EQ(value_of(text, series + "method=\"GET\",route=\"" + long_route + "\",status=\"200\"} "),
            2);
  EXPECT_EQ(value_of(text, series + "method=\"GET\",route=\"" + long_route + "\",status=\"403\"} "),
            1);
  EXPECT_EQ(
      value_of(text, series + "method=\"POST\",route=\"" + long_route + "\",status=\"200\"} "), 1);
  EXPECT_EQ(value_of(text, series + "method=\"GET\",route=\"unmatched\",status=\"404\"} "), 1);
  EXPECT_EQ(value_of(text, series + "method=\"GET\",route=\"/healthz\",status=\"200\"} "), 1);
  // Latency by route only: the three GETs and the POST of the long route.
  EXPECT_EQ(value_of(text, "bronpoort_http_request_duration_seconds_count{route=\"" + long_route +
                               "\"} "),
            4);
  EXPECT_EQ(value_of(text, "bronpoort_http_request_duration_seconds_bucket{route=\"" + long_route +
                               "\",le=\"0.005\"} "),
            3);
  EXPECT_NEAR(
      value_of(text, "bronpoort_http_request_duration_seconds_sum{route=\"" + long_route + "\"} "),
      0.024, 1e-9);
}

TEST(Metrics, RequestsFromSeveralThreadsAreAllCounted) {
  Metrics m;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&m, t] {
      for (int i = 0; i < 5000; ++i) {
        m.request_finished("/route/" + std::to_string(i % 3), t % 2 ? "GET" : "POST", 200 + i % 2,
                           1ms);
      }
    });
  }
  for (auto& th : threads) th.join();
  const auto text = m.render();
  double total = 0;
  std::regex line(R"(^bronpoort_http_requests_total\{[^}]*\} (\d+))", std::regex::multiline);
  for (std::sregex_iterator it(text.begin(), text.end(), line), end; it != end; ++it) {
    total += std::stod((*it)[1]);
  }
  EXPECT_EQ(total, 20000);
  // 3 routes x 2 methods x 2 statuses.
  EXPECT_EQ(
      std::distance(std::sregex_iterator(text.begin(), text.end(), line), std::sregex_iterator()),
      12);
}

}  // namespace
}  // namespace bronpoort::observability
