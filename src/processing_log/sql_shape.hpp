#pragma once
// The log tables' shape shared by the SQLite and PostgreSQL stores: column order, conversion of a
// record to and from column values, and the WHERE clause of the auditor filters. Keeping this in
// one place is what lets one conformance suite cover both stores.

#include <bronpoort/processing_log/log_store.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace bronpoort::processing_log::sql {

// A bound parameter: an integer or a text. (A plain struct rather than std::variant: GCC 12 warns
// falsely about variant<string> moves under -Werror.)
struct Value {
  Value(std::int64_t n) : is_int(true), integer(n) {}
  Value(std::string s) : text(std::move(s)) {}
  Value(const char* s) : text(s) {}
  bool is_int = false;
  std::int64_t integer = 0;
  std::string text;
};

// Column names of the processing_log table, in the order of record_values().
const std::vector<std::string>& record_columns();
// "chain_id, seq, ..." for SELECT and INSERT.
const std::string& record_column_list();

std::vector<Value> record_values(const LogRecord& record);
// Builds a record from column texts in record_columns() order (NULLs as empty strings).
LogRecord record_from_texts(const std::vector<std::string>& texts);

struct Where {
  std::string sql;  // "" or " WHERE ..."
  std::vector<Value> params;
};

// `placeholder(n)` renders the n-th (1-based) parameter: "?n" for SQLite, "$n" for PostgreSQL.
Where build_where(const LogFilter& filter, const std::optional<LogCursor>& after,
                  const std::function<std::string(std::size_t)>& placeholder);

// Newest first; ties broken by chain and sequence so paging never skips or repeats a record.
inline constexpr const char* kNewestFirst = " ORDER BY logged_at_us DESC, chain_id DESC, seq DESC";

}  // namespace bronpoort::processing_log::sql
