#pragma once
// Assertions for the `format` keyword. Each checker takes a string instance; unknown formats
// are annotations only (lookup returns nullptr).

#include <string_view>

namespace bronpoort::schema::detail {

using FormatChecker = bool (*)(std::string_view value);

FormatChecker lookup_format(std::string_view name);

// RFC 3339 checks (formats_time.cpp).
bool check_date(std::string_view s);
bool check_time(std::string_view s);
bool check_date_time(std::string_view s);
bool check_duration(std::string_view s);

}  // namespace bronpoort::schema::detail
