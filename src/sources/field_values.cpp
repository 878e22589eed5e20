// Typing of filter values per the resource's schema: the same rules for query strings and search
// bodies, so a value that passes here is one every connector can compare.
#include "query_builder.hpp"

#include <bronpoort/sources/query_parser.hpp>

#include <charconv>
#include <cmath>

namespace bronpoort::sources {
namespace {

bool is_calendar_date(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (s[i] < '0' || s[i] > '9') return false;
  }
  int y = std::stoi(std::string(s.substr(0, 4)));
  int m = std::stoi(std::string(s.substr(5, 2)));
  int d = std::stoi(std::string(s.substr(8, 2)));
  if (m < 1 || m > 12 || d < 1) return false;
  static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  int max = days[m - 1] + (m == 2 && leap ? 1 : 0);
  return d <= max;
}

bool is_decimal_number(std::string_view s) {
  // JSON number syntax: what every connector and upstream can read back unchanged.
  std::size_t i = 0;
  if (i < s.size() && s[i] == '-') ++i;
  std::size_t digits = 0;
  while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i, ++digits;
  if (digits == 0) return false;
  if (i < s.size() && s[i] == '.') {
    ++i;
    std::size_t frac = 0;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i, ++frac;
    if (frac == 0) return false;
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    std::size_t exp = 0;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i, ++exp;
    if (exp == 0) return false;
  }
  return i == s.size();
}

}  // namespace

std::optional<nlohmann::json> typed_value(const Field& field, std::string_view text,
                                          std::string& reason) {
  if (text.size() > kMaxFilterValueLength) {
    reason = "value longer than " + std::to_string(kMaxFilterValueLength) + " characters";
    return std::nullopt;
  }
  switch (field.type) {
    case FieldType::String:
      if (field.is_date && !is_calendar_date(text)) {
        reason = "must be a date as YYYY-MM-DD";
        return std::nullopt;
      }
      return nlohmann::json(std::string(text));
    case FieldType::Integer: {
      long long v = 0;
      auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
      if (ec != std::errc() || p != text.data() + text.size() || text.empty()) {
        reason = "must be an integer";
        return std::nullopt;
      }
      return nlohmann::json(v);
    }
    case FieldType::Number: {
      if (!is_decimal_number(text)) {
        reason = "must be a number";
        return std::nullopt;
      }
      double v = std::strtod(std::string(text).c_str(), nullptr);
      if (!std::isfinite(v)) {
        reason = "must be a finite number";
        return std::nullopt;
      }
      return nlohmann::json(v);
    }
    case FieldType::Boolean:
      if (text == "true") return nlohmann::json(true);
      if (text == "false") return nlohmann::json(false);
      reason = "must be true or false";
      return std::nullopt;
  }
  reason = "unsupported type";
  return std::nullopt;
}

bool value_fits(const Field& field, const nlohmann::json& value, std::string& reason) {
  switch (field.type) {
    case FieldType::String:
      if (!value.is_string()) {
        reason = field.is_date ? "must be a date string YYYY-MM-DD" : "must be a string";
        return false;
      }
      if (value.get_ref<const std::string&>().size() > kMaxFilterValueLength) {
        reason = "value longer than " + std::to_string(kMaxFilterValueLength) + " characters";
        return false;
      }
      if (field.is_date && !is_calendar_date(value.get_ref<const std::string&>())) {
        reason = "must be a date as YYYY-MM-DD";
        return false;
      }
      return true;
    case FieldType::Integer:
      if (!value.is_number_integer()) {
        reason = "must be an integer";
        return false;
      }
      return true;
    case FieldType::Number:
      if (!value.is_number() || !std::isfinite(value.get<double>())) {
        reason = "must be a number";
        return false;
      }
      return true;
    case FieldType::Boolean:
      if (!value.is_boolean()) {
        reason = "must be true or false";
        return false;
      }
      return true;
  }
  return false;
}

}  // namespace bronpoort::sources
