#pragma once
// The text of every schema compiled into the binary, by its path under schemas/.

#include <span>
#include <string_view>

namespace bronpoort::schema::detail {

struct BundledText {
  std::string_view name;  // "gateway.schema.json", "requests/access-request.schema.json"
  std::string_view text;
};

std::span<const BundledText> bundled_texts();

}  // namespace bronpoort::schema::detail
