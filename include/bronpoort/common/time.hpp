#pragma once
// RFC 3339 timestamps and dates, parsed and written in one place. Written always in UTC with "Z";
// read with "Z" or a numeric offset, "T"/"Z" in either case, any number of fractional digits
// (kept to the microsecond, the rest truncated), and a leap second only where RFC 3339 allows it
// (23:59:60 UTC, read as the second after 23:59:59). Impossible dates (2026-02-30) are refused,
// never rolled over into the next month.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace bronpoort::common {

using Clock = std::chrono::system_clock;

// "2026-11-23"
std::string format_date(std::chrono::sys_days d);
// "2026-11-23T06:30:00Z" (seconds; a fraction is dropped).
std::string format_time(Clock::time_point t);
// Microseconds since the epoch: "2026-01-02T03:04:05.000006Z".
std::string format_time_us(std::int64_t us);
// Now, as format_time_us writes it (the log lines' "time").
std::string utc_now();

// "YYYY-MM-DD" with a real month and day.
std::optional<std::chrono::sys_days> parse_date(std::string_view s);
// An RFC 3339 full-time ("hh:mm:ss[.frac]" and "Z" or an offset), as microseconds from the
// midnight (UTC) that begins its own day; the offset may take it before that or past a day.
std::optional<std::int64_t> parse_full_time_us(std::string_view s);
// An RFC 3339 date-time, as microseconds since the epoch.
std::optional<std::int64_t> parse_date_time_us(std::string_view s);
// A date-time, or a plain date meaning midnight UTC (the log APIs' from/to).
std::optional<std::int64_t> parse_date_or_date_time_us(std::string_view s);
// A date-time as a time point (microsecond precision).
std::optional<Clock::time_point> parse_time(std::string_view s);

}  // namespace bronpoort::common
