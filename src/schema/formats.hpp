#pragma once
// Assertions for the `format` keyword. Each checker takes a string instance; unknown formats
// are annotations only (lookup returns nullptr).

#include <string_view>

namespace bronpoort::schema::detail {

using FormatChecker = bool (*)(std::string_view value);

FormatChecker lookup_format(std::string_view name);

}  // namespace bronpoort::schema::detail
