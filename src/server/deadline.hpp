#pragma once
// When a connection's timer must be set (session.cpp). A request moves its connection's deadline
// four to six times (idle, header, body, write, and back); setting the timer each time cancelled
// its wait and ran the cancelled handler. Instead a new deadline only sets the timer when it comes
// before the timer would fire. The timer is set at most the shortest timeout ahead, so a later
// deadline never needs it set again: when it fires before the deadline, it is set once more.
// Private to src/server.

#include <algorithm>
#include <chrono>
#include <optional>

namespace bronpoort::server {

class Deadline {
 public:
  using Clock = std::chrono::steady_clock;

  explicit Deadline(Clock::duration shortest) : shortest_(shortest) {}

  // A deadline `timeout` after `now`. Returns when to set the timer, or nullopt when it already
  // fires before the deadline.
  std::optional<Clock::time_point> arm(Clock::time_point now, Clock::duration timeout) {
    deadline_ = now + timeout;
    if (timer_at_ <= deadline_) return std::nullopt;
    return timer_at_ = std::min(deadline_, now + shortest_);
  }

  // No deadline until the next arm(); a timer that is set fires to no effect.
  void disarm() { deadline_ = Clock::time_point::max(); }

  // The timer's wait ended without firing (cancelled): nothing is set any more.
  void cancelled() { timer_at_ = Clock::time_point::max(); }

  // The timer fired at `now`. True when the deadline has passed; otherwise `next` says when to set
  // the timer again (nullopt: no deadline, the next arm() sets it).
  bool fired(Clock::time_point now, std::optional<Clock::time_point>& next) {
    timer_at_ = Clock::time_point::max();
    next.reset();
    if (deadline_ == Clock::time_point::max()) return false;
    if (now >= deadline_) return true;
    next = timer_at_ = std::min(deadline_, now + shortest_);
    return false;
  }

 private:
  Clock::duration shortest_;
  Clock::time_point deadline_ = Clock::time_point::max();
  Clock::time_point timer_at_ = Clock::time_point::max();
};

}  // namespace bronpoort::server
