#include <bronpoort/linkage/linking.hpp>

#include <bronpoort/common/time.hpp>
#include <bronpoort/core/hmac.hpp>

#include <openssl/evp.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>
#include <unordered_map>

namespace bronpoort::linkage {
namespace {

std::optional<std::chrono::year_month_day> parse_date(const nlohmann::json& v) {
  if (!v.is_string()) return std::nullopt;
  auto day = common::parse_date(v.get_ref<const std::string&>());
  if (!day) return std::nullopt;
  return std::chrono::year_month_day{*day};
}

int age_on(std::chrono::year_month_day born, std::chrono::year_month_day today) {
  int age = int(today.year()) - int(born.year());
  if (std::pair(unsigned(today.month()), unsigned(today.day())) <
      std::pair(unsigned(born.month()), unsigned(born.day()))) {
    --age;
  }
  return age;
}

nlohmann::json derived_value(const Derived& d, const nlohmann::json& from,
                             std::chrono::year_month_day today) {
  auto date = parse_date(from);
  if (!date) return nullptr;
  if (!d.age_bands.empty()) {
    int age = age_on(*date, today);
    if (age < 0) return nullptr;
    return age_band(age, d.age_bands);
  }
  char buf[16];
  if (d.date_part == "year") {
    std::snprintf(buf, sizeof buf, "%04d", int(date->year()));
  } else {
    std::snprintf(buf, sizeof buf, "%04d-%02u", int(date->year()), unsigned(date->month()));
  }
  return std::string(buf);
}

std::string base64url(const unsigned char* data, std::size_t size) {
  std::string out(4 * ((size + 2) / 3), '\0');
  int n =
      EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data, static_cast<int>(size));
  out.resize(static_cast<std::size_t>(n));
  while (!out.empty() && out.back() == '=') out.pop_back();
  for (char& c : out) {
    if (c == '+') c = '-';
    if (c == '/') c = '_';
  }
  return out;
}

// Sums and averages to two decimals: the figures are statistics, and binary fractions such as
// 2202593.4299999997 would only show noise.
double cents(double x) {
  return std::round(x * 100.0) / 100.0;
}

// Running figures of one aggregate cell.
struct Cell {
  nlohmann::json group;
  std::set<std::string> subjects;
  long long rows = 0;
  std::vector<double> sums;
  std::vector<long long> counts;              // non-null values per measure
  std::vector<std::set<std::string>> filled;  // subjects with a value, per measure
};

}  // namespace

std::optional<std::string> key_of(const nlohmann::json& record, const std::string& key_field) {
  auto it = record.find(key_field);
  if (it == record.end() || it->is_null()) return std::nullopt;
  if (it->is_string()) return it->get<std::string>();
  if (it->is_number_integer()) return it->dump();
  return std::nullopt;
}

LinkOutcome link_inputs(const LinkedQuery& query,
                        const std::vector<std::vector<nlohmann::json>>& records,
                        std::size_t max_rows) {
  LinkOutcome out;
  if (records.size() != query.inputs.size() || records.empty()) return out;
  // Later inputs indexed by key.
  std::vector<std::unordered_map<std::string, std::vector<const nlohmann::json*>>> index(
      records.size());
  for (std::size_t i = 1; i < records.size(); ++i) {
    for (const auto& r : records[i]) {
      if (auto k = key_of(r, query.inputs[i].key)) index[i][*k].push_back(&r);
    }
  }
  auto copy_fields = [](const Input& input, const nlohmann::json& record, nlohmann::json& into) {
    for (const auto& f : input.fields) {
      auto it = record.find(f.field);
      into[f.column] = it == record.end() ? nlohmann::json(nullptr) : *it;
    }
  };
  for (const auto& first : records[0]) {
    auto key = key_of(first, query.inputs[0].key);
    if (!key) continue;
    std::vector<LinkedRow> partial(1);
    partial[0].key = *key;
    copy_fields(query.inputs[0], first, partial[0].columns);
    for (std::size_t i = 1; i < records.size() && !partial.empty(); ++i) {
      auto found = index[i].find(*key);
      if (found == index[i].end()) {
        partial.clear();
        break;
      }
      std::vector<LinkedRow> next;
      for (const auto& row : partial) {
        for (const auto* match : found->second) {
          LinkedRow combined = row;
          copy_fields(query.inputs[i], *match, combined.columns);
          next.push_back(std::move(combined));
        }
      }
      partial = std::move(next);
    }
    if (out.rows.size() + partial.size() > max_rows) {
      out.rows.clear();
      out.problem =
          make_problem(422, "linkage-too-large",
                       "Linking gives more than " + std::to_string(max_rows) +
                           " rows; narrow the population with filters on the first input.");
      return out;
    }
    for (auto& row : partial) out.rows.push_back(std::move(row));
  }
  return out;
}

void add_derived(const LinkedQuery& query, std::vector<LinkedRow>& rows,
                 std::chrono::year_month_day today) {
  for (auto& row : rows) {
    for (const auto& d : query.derived) {
      auto from = row.columns.find(d.from);
      row.columns[d.name] =
          from == row.columns.end() ? nlohmann::json(nullptr) : derived_value(d, *from, today);
    }
  }
}

std::string age_band(int age, const std::vector<int>& bands) {
  if (bands.empty()) return std::to_string(age);
  if (age < bands.front()) return "<" + std::to_string(bands.front());
  for (std::size_t i = 0; i + 1 < bands.size(); ++i) {
    if (age < bands[i + 1]) {
      return std::to_string(bands[i]) + "-" + std::to_string(bands[i + 1] - 1);
    }
  }
  return std::to_string(bands.back()) + "+";
}

nlohmann::json aggregate(const AggregateSpec& spec, const std::vector<LinkedRow>& rows) {
  std::map<std::string, Cell> cells;  // by the group values' JSON text: a stable order
  for (const auto& row : rows) {
    nlohmann::json group = nlohmann::json::array();
    for (const auto& g : spec.group_by) {
      auto it = row.columns.find(g);
      group.push_back(it == row.columns.end() ? nlohmann::json(nullptr) : *it);
    }
    Cell& cell = cells[group.dump()];
    if (cell.group.is_null()) {
      cell.group = std::move(group);
      cell.sums.assign(spec.measures.size(), 0.0);
      cell.counts.assign(spec.measures.size(), 0);
      cell.filled.assign(spec.measures.size(), {});
    }
    cell.subjects.insert(row.key);
    ++cell.rows;
    for (std::size_t m = 0; m < spec.measures.size(); ++m) {
      const auto& measure = spec.measures[m];
      if (measure.op != MeasureOp::Sum && measure.op != MeasureOp::Avg) continue;
      auto it = row.columns.find(measure.column);
      if (it == row.columns.end() || !it->is_number()) continue;
      cell.sums[m] += it->get<double>();
      ++cell.counts[m];
      cell.filled[m].insert(row.key);
    }
  }
  nlohmann::json out_cells = nlohmann::json::array();
  long long suppressed = 0;
  const auto least = static_cast<std::size_t>(spec.min_cell_size);
  for (const auto& [_, cell] : cells) {
    if (cell.subjects.size() < least) {
      ++suppressed;
      continue;
    }
    nlohmann::json c = nlohmann::json::object();
    for (std::size_t g = 0; g < spec.group_by.size(); ++g) c[spec.group_by[g]] = cell.group[g];
    for (std::size_t m = 0; m < spec.measures.size(); ++m) {
      const auto& measure = spec.measures[m];
      switch (measure.op) {
        case MeasureOp::CountSubjects:
          c[measure.name] = cell.subjects.size();
          break;
        case MeasureOp::CountRows:
          c[measure.name] = cell.rows;
          break;
        // A sum or average over fewer people than the minimum is left empty: ten people of
        // whom nine have no amount would otherwise give the tenth's.
        case MeasureOp::Sum:
          c[measure.name] = cell.filled[m].size() < least ? nlohmann::json(nullptr)
                                                          : nlohmann::json(cents(cell.sums[m]));
          break;
        case MeasureOp::Avg:
          c[measure.name] = cell.filled[m].size() < least
                                ? nlohmann::json(nullptr)
                                : nlohmann::json(cents(cell.sums[m] / cell.counts[m]));
          break;
      }
    }
    out_cells.push_back(std::move(c));
  }
  return {{"cells", std::move(out_cells)}, {"suppressedCells", suppressed}};
}

std::string recipient_pseudonym(std::string_view secret, std::string_view recipient,
                                std::string_view purpose, std::string_view key_type,
                                std::string_view key) {
  const auto mac = hmac_sha256(secret, length_prefixed({recipient, purpose, key_type, key}));
  return base64url(mac.data(), mac.size());
}

nlohmann::json pseudonymised_rows(const RowsSpec& spec, const std::vector<LinkedRow>& rows,
                                  std::string_view secret, std::string_view recipient,
                                  std::string_view purpose, std::string_view key_type) {
  nlohmann::json out = nlohmann::json::array();
  std::unordered_map<std::string, std::string> pseudonyms;  // one HMAC per subject, not per row
  for (const auto& row : rows) {
    auto [it, fresh] = pseudonyms.try_emplace(row.key);
    if (fresh) it->second = recipient_pseudonym(secret, recipient, purpose, key_type, row.key);
    nlohmann::json r = {{"pseudonym", it->second}};
    for (const auto& c : spec.columns) {
      auto v = row.columns.find(c);
      r[c] = v == row.columns.end() ? nlohmann::json(nullptr) : *v;
    }
    out.push_back(std::move(r));
  }
  std::stable_sort(out.begin(), out.end(), [](const nlohmann::json& a, const nlohmann::json& b) {
    return a["pseudonym"].get_ref<const std::string&>() <
           b["pseudonym"].get_ref<const std::string&>();
  });
  return out;
}

}  // namespace bronpoort::linkage
