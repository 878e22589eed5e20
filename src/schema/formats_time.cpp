// RFC 3339 formats: date, time, date-time, and duration (its appendix A).

#include <algorithm>
#include <string_view>

#include "formats.hpp"

#include <bronpoort/common/time.hpp>

namespace bronpoort::schema::detail {
namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

}  // namespace

// Dates, times and date-times are read by the one RFC 3339 reader (common/time.hpp); a format
// check is whether it reads.
bool check_date(std::string_view s) {
  return common::parse_date(s).has_value();
}

bool check_time(std::string_view s) {
  return common::parse_full_time_us(s).has_value();
}

bool check_date_time(std::string_view s) {
  return common::parse_date_time_us(s).has_value();
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
