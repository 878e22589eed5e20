#pragma once
// UTC timestamps and dates as the access records store and show them (RFC 3339, "Z").

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace bronpoort::access {

using Clock = std::chrono::system_clock;

// "2026-11-23T06:30:00Z" (seconds precision).
std::string format_time(Clock::time_point t);
std::optional<Clock::time_point> parse_time(std::string_view s);
// "2026-11-23"
std::string format_date(std::chrono::sys_days d);
std::optional<std::chrono::sys_days> parse_date(std::string_view s);

}  // namespace bronpoort::access
