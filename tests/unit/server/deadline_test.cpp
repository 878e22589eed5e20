// When a connection's timer is set (deadline.hpp): only when a deadline comes before the timer
// would fire, never more than the shortest timeout ahead, and again when it fires early.

#include "../../../src/server/deadline.hpp"

#include <gtest/gtest.h>

namespace bronpoort::server {
namespace {

using namespace std::chrono_literals;
using Clock = Deadline::Clock;

TEST(Deadline, SetsTheTimerOnlyWhenADeadlineComesBeforeIt) {
  Deadline d(10s);
  const auto t0 = Clock::time_point{} + 1h;
  EXPECT_EQ(d.arm(t0, 60s), t0 + 10s);           // no timer yet: set, the shortest timeout ahead
  EXPECT_EQ(d.arm(t0 + 1s, 10s), std::nullopt);  // fires at t0 + 10s, before t0 + 11s
  EXPECT_EQ(d.arm(t0 + 2s, 30s), std::nullopt);
  d.disarm();
  EXPECT_EQ(d.arm(t0 + 3s, 60s), std::nullopt);
  std::optional<Clock::time_point> next;
  EXPECT_FALSE(d.fired(t0 + 10s, next));  // early: set again towards the deadline
  EXPECT_EQ(next, t0 + 20s);
  EXPECT_FALSE(d.fired(t0 + 20s, next));
  EXPECT_EQ(next, t0 + 30s);
  EXPECT_EQ(d.arm(t0 + 21s, 5s), t0 + 26s);  // before the timer: set it earlier
  EXPECT_TRUE(d.fired(t0 + 26s, next));      // the deadline passed
  EXPECT_EQ(next, std::nullopt);
}

TEST(Deadline, AFiredOrCancelledTimerIsSetByTheNextArm) {
  Deadline d(10s);
  const auto t0 = Clock::time_point{} + 1h;
  ASSERT_TRUE(d.arm(t0, 60s));
  d.disarm();
  std::optional<Clock::time_point> next;
  EXPECT_FALSE(d.fired(t0 + 10s, next));  // no deadline: nothing set
  EXPECT_EQ(next, std::nullopt);
  EXPECT_EQ(d.arm(t0 + 11s, 60s), t0 + 21s);
  d.cancelled();
  EXPECT_EQ(d.arm(t0 + 12s, 60s), t0 + 22s);
}

}  // namespace
}  // namespace bronpoort::server
