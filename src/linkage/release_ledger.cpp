#include <bronpoort/linkage/linking.hpp>
#include <bronpoort/linkage/release_ledger.hpp>

#include <bronpoort/core/hmac.hpp>

#include <algorithm>
#include <array>
#include <cstring>
#include <set>
#include <unordered_map>
#include <unordered_set>

namespace bronpoort::linkage {
namespace {

// The first 64 bits of HMAC-SHA256(secret, label ‖ parts), length-prefixed like the pseudonyms.
// Keyed, so the ledger holds nothing from which a BSN could be computed back or tested.
std::uint64_t fingerprint(std::string_view secret, std::initializer_list<std::string_view> parts) {
  const auto mac = hmac_sha256(secret, length_prefixed(parts));
  std::uint64_t out = 0;
  std::memcpy(&out, mac.data(), sizeof out);
  return out;
}

std::string group_key(const AggregateSpec& spec, const LinkedRow& row) {
  nlohmann::json group = nlohmann::json::array();
  for (const auto& g : spec.group_by) {
    auto it = row.columns.find(g);
    group.push_back(it == row.columns.end() ? nlohmann::json(nullptr) : *it);
  }
  return group.dump();
}

// The number of distinct subjects in the smallest atom of `versions` plus `fresh`. Row atoms
// (rows lying in exactly the same cells) bound what sums, averages and case counts can be made
// to single out; subject atoms (people appearing in exactly the same cells) bound what the
// counts of people can: "27 people, then 25 with an open case" would otherwise say that two
// people have none.
std::size_t smallest_atom(const std::vector<std::vector<ReleasedCell::Row>>& versions,
                          const std::vector<ReleasedCell::Row>& fresh) {
  constexpr std::size_t kMeasures = 16;  // the schema's most measures
  struct Membership {
    std::uint64_t cells = 0;  // bit i: in version i; the last bit: in `fresh`
    std::uint64_t subject = 0;
    std::array<std::uint64_t, kMeasures> summed{};  // per measure: the versions it counted in
  };
  std::unordered_map<std::uint64_t, Membership> rows;
  std::unordered_map<std::uint64_t, std::uint64_t> subjects;  // subject -> cells it appears in
  unsigned measures = 0;                                      // measures any row counts in
  auto add = [&](const std::vector<ReleasedCell::Row>& cell, std::size_t bit) {
    for (const auto& r : cell) {
      auto& m = rows[r.row];
      m.cells |= std::uint64_t{1} << bit;
      m.subject = r.subject;
      subjects[r.subject] |= std::uint64_t{1} << bit;
      measures |= r.summed;
      for (std::size_t k = 0; k < kMeasures; ++k) {
        if (r.summed & (1u << k)) m.summed[k] |= std::uint64_t{1} << bit;
      }
    }
  };
  for (std::size_t i = 0; i < versions.size(); ++i) add(versions[i], i);
  add(fresh, versions.size());
  std::size_t smallest = SIZE_MAX;
  // Rows by the cells they lie in; then, per measure, rows by the sums they counted in.
  for (std::size_t k = 0; k <= kMeasures; ++k) {
    if (k < kMeasures && !(measures & (1u << k))) continue;
    std::unordered_map<std::uint64_t, std::unordered_set<std::uint64_t>> atoms;
    for (const auto& [_, m] : rows) {
      const std::uint64_t in = k == kMeasures ? m.cells : m.summed[k];
      if (in != 0) atoms[in].insert(m.subject);
    }
    for (const auto& [_, people] : atoms) smallest = std::min(smallest, people.size());
  }
  std::unordered_map<std::uint64_t, std::size_t> subject_atoms;
  for (const auto& [_, cells] : subjects) ++subject_atoms[cells];
  for (const auto& [_, people] : subject_atoms) smallest = std::min(smallest, people);
  return smallest;
}

}  // namespace

std::vector<ReleasedCell> released_cells(const AggregateSpec& spec,
                                         const std::vector<LinkedRow>& rows,
                                         std::string_view secret) {
  struct Building {
    std::set<std::string> subjects;
    std::vector<ReleasedCell::Row> rows;
    std::map<std::size_t, std::set<std::string>> summed;  // measure -> subjects with a value
  };
  std::map<std::string, Building> cells;
  std::unordered_map<std::string, int> seen;  // identical rows so far, by key and values
  for (const auto& row : rows) {
    const std::string values = row.columns.dump();
    const int occurrence = seen[row.key + '\n' + values]++;
    auto& cell = cells[group_key(spec, row)];
    cell.subjects.insert(row.key);
    std::uint16_t summed = 0;
    for (std::size_t m = 0; m < spec.measures.size() && m < 16; ++m) {
      const auto& measure = spec.measures[m];
      if (measure.op != MeasureOp::Sum && measure.op != MeasureOp::Avg) continue;
      auto it = row.columns.find(measure.column);
      if (it == row.columns.end() || !it->is_number()) continue;
      summed = static_cast<std::uint16_t>(summed | (1u << m));
      cell.summed[m].insert(row.key);
    }
    cell.rows.push_back(
        {fingerprint(secret, {"release-row", row.key, values, std::to_string(occurrence)}),
         fingerprint(secret, {"release-subject", row.key}), summed});
  }
  std::vector<ReleasedCell> out;
  for (auto& [group, cell] : cells) {
    const auto least = static_cast<std::size_t>(spec.min_cell_size);
    if (cell.subjects.size() < least) continue;
    // A sum over fewer people than the minimum is not delivered (`aggregate` leaves it empty),
    // so its rows count in no sum.
    for (const auto& [m, people] : cell.summed) {
      if (people.size() >= least) continue;
      for (auto& r : cell.rows) r.summed = static_cast<std::uint16_t>(r.summed & ~(1u << m));
    }
    std::sort(cell.rows.begin(), cell.rows.end());
    out.push_back({group, std::move(cell.rows)});
  }
  return out;
}

std::string ReleaseLedger::scope(std::string_view recipient, std::string_view purpose,
                                 std::string_view linked_query) {
  return length_prefixed({recipient, purpose, linked_query});
}

LedgerVerdict ReleaseLedger::judge(const ReleasedVersions& groups,
                                   const std::vector<ReleasedCell>& cells,
                                   std::size_t min_cell_size, NewReleases& fresh) {
  fresh.clear();
  for (const auto& cell : cells) {
    const auto it = groups.find(cell.group);
    const Versions none;
    const Versions& versions = it == groups.end() ? none : it->second;
    // A cell delivered in exactly this form before tells nothing new.
    if (std::find(versions.begin(), versions.end(), cell.rows) != versions.end()) continue;
    if (versions.size() >= kMaxVersionsPerCell) {
      fresh.clear();
      return {false, cell.group, 0, true, {}};
    }
    if (const auto smallest = smallest_atom(versions, cell.rows); smallest < min_cell_size) {
      fresh.clear();
      return {false, cell.group, smallest, false, {}};
    }
    fresh.emplace_back(cell.group, cell.rows);
  }
  return {};
}

LedgerVerdict ReleaseLedger::check_and_record(const std::string& scope,
                                              const std::vector<ReleasedCell>& cells,
                                              std::size_t min_cell_size) {
  NewReleases fresh;
  if (!store_) {
    std::lock_guard lock(mu_);
    auto& groups = released_[scope];
    auto verdict = judge(groups, cells, min_cell_size, fresh);
    for (auto& [group, rows] : fresh) groups[group].push_back(std::move(rows));
    return verdict;
  }
  LedgerVerdict verdict;
  try {
    store_->with_scope(scope, [&](const ReleasedVersions& groups) {
      verdict = judge(groups, cells, min_cell_size, fresh);
      return fresh;
    });
  } catch (const std::exception& e) {
    // Fail closed: a release the ledger cannot record could later be differenced unseen.
    return {false, {}, 0, false, e.what()};
  }
  return verdict;
}

std::string encode_rows(const std::vector<ReleasedCell::Row>& rows) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(rows.size() * 36);
  auto put = [&](std::uint64_t v, int digits) {
    for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4)
      out.push_back(kHex[(v >> shift) & 15]);
  };
  for (const auto& r : rows) {
    put(r.row, 16);
    put(r.subject, 16);
    put(r.summed, 4);
  }
  return out;
}

std::optional<std::vector<ReleasedCell::Row>> decode_rows(std::string_view text) {
  if (text.size() % 36 != 0) return std::nullopt;
  std::vector<ReleasedCell::Row> rows;
  rows.reserve(text.size() / 36);
  std::size_t at = 0;
  auto get = [&](int digits, std::uint64_t& v) {
    v = 0;
    for (int i = 0; i < digits; ++i) {
      const char c = text[at++];
      int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
      if (d < 0) return false;
      v = (v << 4) | static_cast<std::uint64_t>(d);
    }
    return true;
  };
  while (at < text.size()) {
    ReleasedCell::Row r;
    std::uint64_t summed = 0;
    if (!get(16, r.row) || !get(16, r.subject) || !get(4, summed)) return std::nullopt;
    r.summed = static_cast<std::uint16_t>(summed);
    rows.push_back(r);
  }
  return rows;
}

}  // namespace bronpoort::linkage
