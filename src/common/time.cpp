#include <bronpoort/common/time.hpp>

#include <cstdio>

namespace bronpoort::common {
namespace {

bool read_number(std::string_view s, std::size_t pos, std::size_t len, int& out) {
  if (pos + len > s.size()) return false;
  int v = 0;
  for (std::size_t i = pos; i < pos + len; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  out = v;
  return true;
}

constexpr std::int64_t kMicrosPerSecond = 1000000;

}  // namespace

std::string format_date(std::chrono::sys_days d) {
  std::chrono::year_month_day ymd{d};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return buf;
}

std::string format_time(Clock::time_point t) {
  auto secs = std::chrono::floor<std::chrono::seconds>(t);
  auto day = std::chrono::floor<std::chrono::days>(secs);
  std::chrono::hh_mm_ss hms{secs - day};
  char buf[32];
  std::snprintf(buf, sizeof buf, "%sT%02d:%02d:%02dZ", format_date(day).c_str(),
                static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                static_cast<int>(hms.seconds().count()));
  return buf;
}

std::string format_time_us(std::int64_t us) {
  std::int64_t secs = us / kMicrosPerSecond;
  std::int64_t frac = us % kMicrosPerSecond;
  if (frac < 0) {
    frac += kMicrosPerSecond;
    --secs;
  }
  std::string out = format_time(Clock::time_point{std::chrono::seconds{secs}});
  char buf[16];
  std::snprintf(buf, sizeof buf, ".%06lldZ", static_cast<long long>(frac));
  out.pop_back();  // the "Z"
  return out + buf;
}

std::string utc_now() {
  return format_time_us(
      std::chrono::duration_cast<std::chrono::microseconds>(Clock::now().time_since_epoch())
          .count());
}

std::optional<std::chrono::sys_days> parse_date(std::string_view s) {
  int y = 0, m = 0, d = 0;
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  if (!read_number(s, 0, 4, y) || !read_number(s, 5, 2, m) || !read_number(s, 8, 2, d)) {
    return std::nullopt;
  }
  std::chrono::year_month_day ymd{std::chrono::year{y},
                                  std::chrono::month{static_cast<unsigned>(m)},
                                  std::chrono::day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) return std::nullopt;
  return std::chrono::sys_days{ymd};
}

std::optional<std::int64_t> parse_full_time_us(std::string_view s) {
  // hh:mm:ss [.fraction] ("Z" | ("+" | "-") hh:mm)
  int h = 0, mi = 0, se = 0;
  if (s.size() < 9 || s[2] != ':' || s[5] != ':' || !read_number(s, 0, 2, h) ||
      !read_number(s, 3, 2, mi) || !read_number(s, 6, 2, se) || h > 23 || mi > 59 || se > 60) {
    return std::nullopt;
  }
  std::size_t pos = 8;
  std::int64_t frac_us = 0;
  if (s[pos] == '.') {
    int digits = 0;
    for (++pos; pos < s.size() && s[pos] >= '0' && s[pos] <= '9'; ++pos, ++digits) {
      if (digits < 6) frac_us = frac_us * 10 + (s[pos] - '0');
    }
    if (digits == 0) return std::nullopt;
    for (int i = digits; i < 6; ++i) frac_us *= 10;
  }
  if (pos >= s.size()) return std::nullopt;
  int offset_minutes = 0;
  if (s[pos] == 'Z' || s[pos] == 'z') {
    if (pos + 1 != s.size()) return std::nullopt;
  } else if (s[pos] == '+' || s[pos] == '-') {
    int oh = 0, om = 0;
    if (s.size() != pos + 6 || s[pos + 3] != ':' || !read_number(s, pos + 1, 2, oh) ||
        !read_number(s, pos + 4, 2, om) || oh > 23 || om > 59) {
      return std::nullopt;
    }
    offset_minutes = (oh * 60 + om) * (s[pos] == '+' ? 1 : -1);
  } else {
    return std::nullopt;
  }
  const std::int64_t utc_minutes = h * 60 + mi - offset_minutes;
  if (se == 60) {
    // A leap second exists only at 23:59:60 UTC.
    if ((utc_minutes % 1440 + 1440) % 1440 != 23 * 60 + 59) return std::nullopt;
  }
  return (utc_minutes * 60 + se) * kMicrosPerSecond + frac_us;
}

std::optional<std::int64_t> parse_date_time_us(std::string_view s) {
  if (s.size() < 11 || (s[10] != 'T' && s[10] != 't')) return std::nullopt;
  auto day = parse_date(s.substr(0, 10));
  auto time = parse_full_time_us(s.substr(11));
  if (!day || !time) return std::nullopt;
  return std::int64_t{day->time_since_epoch().count()} * 86400 * kMicrosPerSecond + *time;
}

std::optional<std::int64_t> parse_date_or_date_time_us(std::string_view s) {
  if (s.size() == 10) {
    auto day = parse_date(s);
    if (!day) return std::nullopt;
    return std::int64_t{day->time_since_epoch().count()} * 86400 * kMicrosPerSecond;
  }
  return parse_date_time_us(s);
}

std::optional<Clock::time_point> parse_time(std::string_view s) {
  auto us = parse_date_time_us(s);
  if (!us) return std::nullopt;
  return Clock::time_point{
      std::chrono::duration_cast<Clock::duration>(std::chrono::microseconds{*us})};
}

}  // namespace bronpoort::common
