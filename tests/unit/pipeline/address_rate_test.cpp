// Refusals before authentication are rate-limited per client address (issue #12, item 8).

#include <bronpoort/observability/metrics.hpp>
#include <bronpoort/pipeline/address_rate.hpp>

#include <gtest/gtest.h>

namespace bronpoort::pipeline {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

TEST(AddressRateLimiter, AllowsTheBurstThenTheSustainedRatePerAddress) {
  AddressRateLimiter limiter(2, 3);
  const auto t0 = Clock::now();
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(limiter.take("10.0.0.1", t0));
  EXPECT_FALSE(limiter.take("10.0.0.1", t0));
  EXPECT_TRUE(limiter.take("10.0.0.2", t0)) << "one address's flood limits no one else";
  EXPECT_TRUE(limiter.take("10.0.0.1", t0 + 500ms));  // two per second refill
  EXPECT_FALSE(limiter.take("10.0.0.1", t0 + 500ms));
  EXPECT_TRUE(limiter.take("10.0.0.1", t0 + 10s));
}

TEST(AddressRateLimiter, ManyAddressesDoNotGrowItWithoutBound) {
  AddressRateLimiter limiter(1, 1);
  const auto t0 = Clock::now();
  for (int i = 0; i < 50'000; ++i) limiter.take("addr-" + std::to_string(i), t0);
  // Still answers, and a quiet address later starts with a full bucket.
  EXPECT_TRUE(limiter.take("addr-late", t0 + 5s));
}

RequestContext refused_with(int status) {
  RequestContext ctx;
  ctx.request.remote_address = "127.0.0.9";
  ctx.fail(make_problem(status, "x", "y"));
  return ctx;
}

TEST(UnauthenticatedRateStage, TurnsA401OverTheRateInto429AndKeepsItOutOfTheAccessLog) {
  observability::Metrics metrics;
  UnauthenticatedRateStage stage(std::make_shared<AddressRateLimiter>(1, 1), &metrics);
  auto first = refused_with(401);
  EXPECT_EQ(stage.process(first), Flow::Stop);
  EXPECT_EQ(first.problem->status, 401);
  EXPECT_FALSE(first.quiet);
  auto second = refused_with(401);
  stage.process(second);
  EXPECT_EQ(second.problem->status, 429);
  EXPECT_EQ(second.problem->code, "too-many-unauthenticated-requests");
  EXPECT_TRUE(second.quiet);
  EXPECT_EQ(second.response.headers.find("Retry-After"), "1");
  // Other refusals and successful requests take no token.
  auto forbidden = refused_with(403);
  stage.process(forbidden);
  EXPECT_EQ(forbidden.problem->status, 403);
  RequestContext fine;
  EXPECT_EQ(stage.process(fine), Flow::Continue);
  EXPECT_NE(metrics.render().find("bronpoort_unauthenticated_refusals_total{limited=\"true\"} 1"),
            std::string::npos);
}

}  // namespace
}  // namespace bronpoort::pipeline
