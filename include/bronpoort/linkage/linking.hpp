#pragma once
// The trusted third party's own work, free of I/O: link the records fetched from each input on
// the shared key, add derived columns, and shape a delivery in which no key value appears —
// aggregates with small cells suppressed, or rows under a pseudonym for recipient and purpose.

#include <bronpoort/core/problem.hpp>
#include <bronpoort/linkage/linked_query.hpp>

#include <nlohmann/json.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bronpoort::linkage {

// One linked row: the key (raw; it never leaves the gateway) and the columns, an object.
struct LinkedRow {
  std::string key;
  nlohmann::json columns = nlohmann::json::object();
};

// The key value of a fetched record as text; nullopt when it has none (such records cannot be
// linked and are left out).
std::optional<std::string> key_of(const nlohmann::json& record, const std::string& key_field);

struct LinkOutcome {
  std::vector<LinkedRow> rows;
  std::optional<Problem> problem;  // 422 linkage-too-large when more than max_rows would result
};

// Inner join: every record of the first input combined with each matching record of every later
// input (a key with no match in some input gives no row). `records[i]` are input i's records.
LinkOutcome link_inputs(const LinkedQuery& query,
                        const std::vector<std::vector<nlohmann::json>>& records,
                        std::size_t max_rows);

// Adds the derived columns; `today` is the reference date for ages. Values that are not dates
// give null.
void add_derived(const LinkedQuery& query, std::vector<LinkedRow>& rows,
                 std::chrono::year_month_day today);

// The band label for an age: bands {18, 27} give "<18", "18-26" and "27+".
std::string age_band(int age, const std::vector<int>& bands);

// {"cells": [{group columns..., measures...}], "suppressedCells": n}, cells ordered by their group
// values. A cell with fewer than min_cell_size distinct keys is left out and only counted, and
// no total is given, so a suppressed cell cannot be recovered by subtraction.
// A sum or average is null in a cell where fewer than min_cell_size people have a value for it.
nlohmann::json aggregate(const AggregateSpec& spec, const std::vector<LinkedRow>& rows);

// A pseudonym for `key` that only this recipient, for this purpose, receives: HMAC-SHA256 under
// the linkage secret of (recipient, purpose, key type, key), base64url without padding. Two
// recipients, or one recipient under two purposes, cannot link their deliveries.
std::string recipient_pseudonym(std::string_view secret, std::string_view recipient,
                                std::string_view purpose, std::string_view key_type,
                                std::string_view key);

// The rows delivery: one object per linked row, the pseudonym and the spec's columns, ordered by
// pseudonym: the order of the keys (a BSN's rank) is not given away either.
nlohmann::json pseudonymised_rows(const RowsSpec& spec, const std::vector<LinkedRow>& rows,
                                  std::string_view secret, std::string_view recipient,
                                  std::string_view purpose, std::string_view key_type);

}  // namespace bronpoort::linkage
