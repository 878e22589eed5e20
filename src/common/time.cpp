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

// Writes `v` (0 <= v < 10^width) as exactly `width` digits and returns the end.
char* put_digits(char* p, std::int64_t v, int width) {
  for (int i = width - 1; i >= 0; --i) {
    p[i] = static_cast<char>('0' + v % 10);
    v /= 10;
  }
  return p + width;
}

// "YYYY-MM-DD" into `p` for years 0..9999 (every time a log or a token can carry); false for the
// rest, which format_date leaves to snprintf.
bool put_date(char* p, std::chrono::sys_days d) {
  std::chrono::year_month_day ymd{d};
  const int year = static_cast<int>(ymd.year());
  if (year < 0 || year > 9999) return false;
  p = put_digits(p, year, 4);
  *p++ = '-';
  p = put_digits(p, static_cast<unsigned>(ymd.month()), 2);
  *p++ = '-';
  put_digits(p, static_cast<unsigned>(ymd.day()), 2);
  return true;
}

// "YYYY-MM-DDTHH:MM:SS" for the second `secs` since the epoch: 19 characters.
std::string date_time(std::int64_t secs) {
  const std::chrono::sys_seconds t{std::chrono::seconds{secs}};
  const auto day = std::chrono::floor<std::chrono::days>(t);
  std::string out(11, 'T');  // the date, then the "T"
  if (!put_date(out.data(), day)) out = format_date(day) + 'T';
  const std::int64_t in_day = (t - day).count();
  out.resize(out.size() + 8);
  char* p = out.data() + out.size() - 8;
  p = put_digits(p, in_day / 3600, 2);
  *p++ = ':';
  p = put_digits(p, in_day / 60 % 60, 2);
  *p++ = ':';
  put_digits(p, in_day % 60, 2);
  return out;
}

}  // namespace

// Written digit by digit: format_time_us stamps every access-log line, and snprintf was 1.5 % of
// an I/O thread's samples in the gateway benchmark (docs/performance.md).
std::string format_date(std::chrono::sys_days d) {
  char buf[16];
  if (put_date(buf, d)) return std::string(buf, 10);
  std::chrono::year_month_day ymd{d};
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return buf;
}

std::string format_time(Clock::time_point t) {
  return date_time(std::chrono::floor<std::chrono::seconds>(t).time_since_epoch().count()) + 'Z';
}

std::string format_time_us(std::int64_t us) {
  std::int64_t secs = us / kMicrosPerSecond;
  std::int64_t frac = us % kMicrosPerSecond;
  if (frac < 0) {
    frac += kMicrosPerSecond;
    --secs;
  }
  std::string out = date_time(secs);
  const std::size_t end = out.size();
  out.resize(end + 8);
  out[end] = '.';
  put_digits(out.data() + end + 1, frac, 6);
  out[end + 7] = 'Z';
  return out;
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
