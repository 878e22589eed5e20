// RFC 3339 formats: date, time, date-time, and duration (its appendix A).

#include <algorithm>
#include <string_view>

#include "formats.hpp"

namespace bronpoort::schema::detail {
namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

bool digits(std::string_view s, std::size_t pos, std::size_t n, int& value) {
  if (pos + n > s.size()) return false;
  value = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (!is_digit(s[i])) return false;
    value = value * 10 + (s[i] - '0');
  }
  return true;
}

}  // namespace

bool check_date(std::string_view s) {
  int y, m, d;
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  if (!digits(s, 0, 4, y) || !digits(s, 5, 2, m) || !digits(s, 8, 2, d)) return false;
  if (m < 1 || m > 12 || d < 1) return false;
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  int max = kDays[m - 1] + (m == 2 && leap ? 1 : 0);
  return d <= max;
}

bool check_time(std::string_view s) {
  int h, mi, sec;
  if (s.size() < 9 || s[2] != ':' || s[5] != ':') return false;
  if (!digits(s, 0, 2, h) || !digits(s, 3, 2, mi) || !digits(s, 6, 2, sec)) return false;
  std::size_t pos = 8;
  if (pos < s.size() && s[pos] == '.') {
    std::size_t start = ++pos;
    while (pos < s.size() && is_digit(s[pos])) ++pos;
    if (pos == start) return false;
  }
  if (pos >= s.size()) return false;
  int oh = 0, om = 0, sign = 0;
  if (s[pos] == 'Z' || s[pos] == 'z') {
    if (pos + 1 != s.size()) return false;
  } else if (s[pos] == '+' || s[pos] == '-') {
    sign = s[pos] == '+' ? 1 : -1;
    if (s.size() != pos + 6 || s[pos + 3] != ':') return false;
    if (!digits(s, pos + 1, 2, oh) || !digits(s, pos + 4, 2, om)) return false;
    if (oh > 23 || om > 59) return false;
  } else {
    return false;
  }
  if (h > 23 || mi > 59 || sec > 60) return false;
  if (sec == 60) {
    // A leap second exists only at 23:59:60 UTC.
    int minutes = h * 60 + mi - sign * (oh * 60 + om);
    minutes = ((minutes % 1440) + 1440) % 1440;
    if (minutes != 23 * 60 + 59) return false;
  }
  return true;
}

bool check_date_time(std::string_view s) {
  if (s.size() < 11 || (s[10] != 'T' && s[10] != 't')) return false;
  return check_date(s.substr(0, 10)) && check_time(s.substr(11));
}

// RFC 3339 appendix A: P[nY][nM][nD][T[nH][nM][nS]] or PnW.
bool check_duration(std::string_view s) {
  if (s.size() < 2 || s[0] != 'P') return false;
  std::size_t pos = 1;
  bool time = false, any = false, weeks = false, others = false, time_any = false;
  std::string_view date_units = "YMD", time_units = "HMS";
  std::size_t last_unit = 0;
  while (pos < s.size()) {
    if (s[pos] == 'T') {
      if (time) return false;
      time = true;
      last_unit = 0;
      ++pos;
      continue;
    }
    std::size_t start = pos;
    while (pos < s.size() && is_digit(s[pos])) ++pos;
    if (pos == start || pos == s.size()) return false;
    char unit = s[pos++];
    if (!time && unit == 'W') {
      weeks = true;
    } else {
      std::string_view units = time ? time_units : date_units;
      auto idx = units.find(unit);
      if (idx == std::string_view::npos || idx + 1 <= last_unit) return false;
      last_unit = idx + 1;
      others = true;
      time_any = time_any || time;
    }
    any = true;
  }
  if (!any || (weeks && others) || (time && !time_any)) return false;
  return true;
}

}  // namespace bronpoort::schema::detail
