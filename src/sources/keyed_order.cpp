// Ordering records by a keyed hash of their id, for callers to whom the id is withheld.
#include <bronpoort/sources/connector.hpp>

#include <bronpoort/core/hmac.hpp>

#include <algorithm>
#include <vector>

namespace bronpoort::sources {

std::string keyed_order_value(const std::string& key, const std::string& id) {
  return hmac_sha256_hex(key, id);
}

void order_ties_by_key(nlohmann::json& items, const std::vector<SortKey>& sort,
                       const std::string& id_field, const std::string& key) {
  if (key.empty() || !items.is_array() || items.size() < 2) return;
  auto sort_values = [&](const nlohmann::json& rec) {
    std::vector<nlohmann::json> values;
    for (const auto& k : sort) {
      auto it = rec.find(k.field);
      values.push_back(it == rec.end() ? nlohmann::json() : *it);
    }
    return values;
  };
  auto id_text = [&](const nlohmann::json& rec) {
    auto it = rec.find(id_field);
    if (it == rec.end()) return std::string();
    return it->is_string() ? it->get<std::string>() : it->dump();
  };
  // Runs of records the source sorted as equal on the caller's keys; the source put each run in
  // id order, which is exactly what must not show.
  std::size_t start = 0;
  while (start < items.size()) {
    const auto values = sort_values(items[start]);
    std::size_t end = start + 1;
    while (end < items.size() && sort_values(items[end]) == values) ++end;
    if (end - start > 1) {
      std::vector<std::pair<std::string, nlohmann::json>> run;
      run.reserve(end - start);
      for (std::size_t i = start; i < end; ++i) {
        run.emplace_back(keyed_order_value(key, id_text(items[i])), std::move(items[i]));
      }
      std::stable_sort(run.begin(), run.end(),
                       [](const auto& a, const auto& b) { return a.first < b.first; });
      for (std::size_t i = start; i < end; ++i) items[i] = std::move(run[i - start].second);
    }
    start = end;
  }
}

}  // namespace bronpoort::sources
