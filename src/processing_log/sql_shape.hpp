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

// A record's columns as JSON texts where the column holds a list or an object.
std::string json_column(const nlohmann::json& value);
std::string json_column(const std::vector<std::string>& list);

// Calls `sink.integer(n)` or `sink.text(s, stable)` for each column in record_columns() order;
// `stable` says that `s` lives as long as `record` (a store may bind it without copying).
template <class Sink>
void for_each_record_value(const LogRecord& r, Sink& sink) {
  sink.text(r.chain_id, true);
  sink.integer(r.seq);
  sink.text(std::string(record_kind_name(r.kind)), false);
  sink.text(r.prev_hash, true);
  sink.text(r.hash, true);
  sink.integer(r.logged_at_us);
  sink.text(r.trace_id, true);
  sink.text(r.span_id, true);
  sink.text(r.parent_span_id, true);
  sink.text(r.name, true);
  sink.integer(r.start_us);
  sink.integer(r.end_us);
  sink.text(r.status, true);
  sink.text(r.processing_activity_id, true);
  sink.text(r.data_subject_id, true);
  sink.text(r.data_subject_id_type, true);
  sink.text(r.pseudonym_key_id, true);
  sink.text(r.event, true);
  sink.text(r.organisation, true);
  sink.text(r.role, true);
  sink.text(r.user, true);
  sink.text(r.purpose, true);
  sink.text(r.legal_basis, true);
  sink.text(r.dataset, true);
  sink.text(r.resource, true);
  sink.text(r.owner_organisation, true);
  sink.text(json_column(r.fields_released), false);
  sink.text(json_column(r.fields_withheld), false);
  sink.text(r.decision, true);
  sink.text(r.reason_code, true);
  sink.integer(static_cast<std::int64_t>(r.http_status));
  sink.integer(r.record_count);
  sink.integer(r.source_latency_us);
  sink.text(json_column(r.details), false);
}

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
