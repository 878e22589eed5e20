#include "demo_query.hpp"

#include <algorithm>

namespace bronpoort::demo {
namespace {

// Numbers numerically, strings byte-wise (the gateway's PostgreSQL connector uses the C collation
// for the same order); values of different kinds never match.
int compare(const nlohmann::json& a, const nlohmann::json& b, bool& comparable) {
  comparable = true;
  if (a.is_number() && b.is_number()) {
    double x = a.get<double>(), y = b.get<double>();
    return x < y ? -1 : (x > y ? 1 : 0);
  }
  if (a.is_string() && b.is_string()) {
    int c = a.get_ref<const std::string&>().compare(b.get_ref<const std::string&>());
    return c < 0 ? -1 : (c > 0 ? 1 : 0);
  }
  if (a.is_boolean() && b.is_boolean()) return a == b ? 0 : (a.get<bool>() ? 1 : -1);
  comparable = false;
  return 0;
}

bool matches(const nlohmann::json& rec, const nlohmann::json& filter) {
  const auto& field = filter.at("field").get_ref<const std::string&>();
  const auto& op = filter.at("op").get_ref<const std::string&>();
  const auto& values = filter.at("values");
  auto it = rec.find(field);
  if (it == rec.end() || it->is_null() || values.empty()) return false;
  bool ok = false;
  if (op == "in") {
    for (const auto& v : values) {
      if (compare(*it, v, ok) == 0 && ok) return true;
    }
    return false;
  }
  const auto& v = values[0];
  if (op == "startsWith") {
    return it->is_string() && v.is_string() &&
           it->get_ref<const std::string&>().rfind(v.get_ref<const std::string&>(), 0) == 0;
  }
  int c = compare(*it, v, ok);
  if (!ok) return false;
  if (op == "eq") return c == 0;
  if (op == "gt") return c > 0;
  if (op == "gte") return c >= 0;
  if (op == "lt") return c < 0;
  if (op == "lte") return c <= 0;
  return false;
}

}  // namespace

QueryAnswer run_query(const DemoTable& table, const nlohmann::json& q) {
  QueryAnswer answer;
  try {
    std::vector<const nlohmann::json*> hits;
    const auto& filters = q.at("filters");
    auto keep = [&](const nlohmann::json& rec) {
      return std::all_of(filters.begin(), filters.end(),
                         [&](const nlohmann::json& f) { return matches(rec, f); });
    };
    // An equality filter narrows the scan to its index entry (in record order); the other
    // filters are checked on what it leaves.
    const std::vector<std::size_t>* candidates = nullptr;
    for (const auto& f : filters) {
      const auto& values = f.at("values");
      if (f.at("op") == "eq" && values.size() == 1) {
        const auto& these = table.equal(f.at("field").get<std::string>(), values[0]);
        if (!candidates || these.size() < candidates->size()) candidates = &these;
      }
    }
    if (candidates) {
      for (auto i : *candidates) {
        if (keep(table.records[i])) hits.push_back(&table.records[i]);
      }
    } else {
      for (const auto& rec : table.records) {
        if (keep(rec)) hits.push_back(&rec);
      }
    }
    auto offset = q.at("offset").get<std::size_t>();
    auto limit = q.at("limit").get<std::size_t>();
    const auto& sort = q.at("sort");
    if (!sort.empty()) {
      // Only the records up to the end of the page are put in order; ties keep record order
      // (hits point into the records in order), as a stable sort of everything would.
      auto before = [&](const nlohmann::json* a, const nlohmann::json* b) {
        for (const auto& k : sort) {
          const auto& f = k.at("field").get_ref<const std::string&>();
          bool ok = false;
          int c = compare(a->value(f, nlohmann::json()), b->value(f, nlohmann::json()), ok);
          if (c != 0) return k.at("descending").get<bool>() ? c > 0 : c < 0;
        }
        return a < b;
      };
      const auto end =
          offset >= hits.size() || limit >= hits.size() - offset ? hits.size() : offset + limit;
      std::partial_sort(hits.begin(), hits.begin() + static_cast<std::ptrdiff_t>(end), hits.end(),
                        before);
    }
    const auto& fields = q.at("fields");
    nlohmann::json items = nlohmann::json::array();
    for (std::size_t i = offset; i < hits.size() && i < offset + limit; ++i) {
      if (fields.empty()) {
        items.push_back(*hits[i]);
      } else {
        nlohmann::json rec = nlohmann::json::object();
        for (const auto& f : fields) {
          const auto& name = f.get_ref<const std::string&>();
          if (hits[i]->contains(name)) rec[name] = (*hits[i])[name];
        }
        items.push_back(std::move(rec));
      }
    }
    answer.body["items"] = std::move(items);
    if (q.value("includeTotal", false)) answer.body["total"] = hits.size();
  } catch (const nlohmann::json::exception& e) {
    answer.status = 400;
    answer.body = {{"error", std::string("bad query: ") + e.what()}};
  }
  return answer;
}

}  // namespace bronpoort::demo
