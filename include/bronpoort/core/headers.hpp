#pragma once
// Case-insensitive HTTP header list. Kept free of Beast so stages compile without it.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace bronpoort {

class HeaderMap {
 public:
  using Entry = std::pair<std::string, std::string>;

  // First value of header `name` (case-insensitive), if present.
  std::optional<std::string_view> find(std::string_view name) const;
  // Number of occurrences of `name`; a security-relevant header repeated is usually an attack.
  std::size_t count(std::string_view name) const;
  void add(std::string name, std::string value);
  // Replaces every occurrence of `name` with one value.
  void set(std::string name, std::string value);
  void erase(std::string_view name);
  const std::vector<Entry>& entries() const { return entries_; }

 private:
  std::vector<Entry> entries_;
};

bool iequals(std::string_view a, std::string_view b);

}  // namespace bronpoort
