#include <bronpoort/linkage/linking.hpp>
#include <bronpoort/linkage/release_ledger.hpp>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <cstring>
#include <set>
#include <unordered_map>
#include <unordered_set>

namespace bronpoort::linkage {
namespace {

// The first 64 bits of HMAC-SHA256(secret, label ‖ parts), length-prefixed like the pseudonyms.
// Keyed, so the ledger holds nothing from which a BSN could be computed back or tested.
std::uint64_t fingerprint(std::string_view secret, std::initializer_list<std::string_view> parts) {
  std::string input;
  for (std::string_view part : parts) {
    input += std::to_string(part.size());
    input += ':';
    input += part;
  }
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(input.data()), input.size(), mac, &len);
  std::uint64_t out = 0;
  std::memcpy(&out, mac, sizeof out);
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
  struct Membership {
    std::uint64_t cells = 0;  // bit i: in version i; the last bit: in `fresh`
    std::uint64_t subject = 0;
  };
  std::unordered_map<std::uint64_t, Membership> rows;
  std::unordered_map<std::uint64_t, std::uint64_t> subjects;  // subject -> cells it appears in
  auto add = [&](const std::vector<ReleasedCell::Row>& cell, std::size_t bit) {
    for (const auto& r : cell) {
      auto& m = rows[r.row];
      m.cells |= std::uint64_t{1} << bit;
      m.subject = r.subject;
      subjects[r.subject] |= std::uint64_t{1} << bit;
    }
  };
  for (std::size_t i = 0; i < versions.size(); ++i) add(versions[i], i);
  add(fresh, versions.size());
  std::unordered_map<std::uint64_t, std::unordered_set<std::uint64_t>> row_atoms;
  for (const auto& [_, m] : rows) row_atoms[m.cells].insert(m.subject);
  std::unordered_map<std::uint64_t, std::size_t> subject_atoms;
  for (const auto& [_, cells] : subjects) ++subject_atoms[cells];
  std::size_t smallest = SIZE_MAX;
  for (const auto& [_, people] : row_atoms) smallest = std::min(smallest, people.size());
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
  };
  std::map<std::string, Building> cells;
  std::unordered_map<std::string, int> seen;  // identical rows so far, by key and values
  for (const auto& row : rows) {
    const std::string values = row.columns.dump();
    const int occurrence = seen[row.key + '\n' + values]++;
    auto& cell = cells[group_key(spec, row)];
    cell.subjects.insert(row.key);
    cell.rows.push_back(
        {fingerprint(secret, {"release-row", row.key, values, std::to_string(occurrence)}),
         fingerprint(secret, {"release-subject", row.key})});
  }
  std::vector<ReleasedCell> out;
  for (auto& [group, cell] : cells) {
    if (cell.subjects.size() < static_cast<std::size_t>(spec.min_cell_size)) continue;
    std::sort(cell.rows.begin(), cell.rows.end());
    out.push_back({group, std::move(cell.rows)});
  }
  return out;
}

std::string ReleaseLedger::scope(std::string_view recipient, std::string_view purpose,
                                 std::string_view linked_query) {
  std::string out;
  for (std::string_view part : {recipient, purpose, linked_query}) {
    out += std::to_string(part.size());
    out += ':';
    out += part;
  }
  return out;
}

LedgerVerdict ReleaseLedger::check_and_record(const std::string& scope,
                                              const std::vector<ReleasedCell>& cells,
                                              std::size_t min_cell_size) {
  std::lock_guard lock(mu_);
  auto& groups = released_[scope];
  std::vector<const ReleasedCell*> fresh;  // cells not released in exactly this form before
  for (const auto& cell : cells) {
    const auto it = groups.find(cell.group);
    const Versions none;
    const Versions& versions = it == groups.end() ? none : it->second;
    if (std::find(versions.begin(), versions.end(), cell.rows) != versions.end()) continue;
    if (versions.size() >= kMaxVersionsPerCell) {
      return {false, cell.group, 0, true};
    }
    if (const auto smallest = smallest_atom(versions, cell.rows); smallest < min_cell_size) {
      return {false, cell.group, smallest, false};
    }
    fresh.push_back(&cell);
  }
  for (const auto* cell : fresh) groups[cell->group].push_back(cell->rows);
  return {};
}

}  // namespace bronpoort::linkage
