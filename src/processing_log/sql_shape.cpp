#include "sql_shape.hpp"

#include "json_text.hpp"

#include <charconv>

namespace bronpoort::processing_log::sql {
namespace {

std::int64_t to_int(const std::string& s) {
  std::int64_t v = 0;
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}

std::vector<std::string> json_list(const std::string& text) {
  auto j = nlohmann::json::parse(text, nullptr, false);
  std::vector<std::string> out;
  if (!j.is_array()) return out;
  for (const auto& e : j) {
    if (e.is_string()) out.push_back(e.get<std::string>());
  }
  return out;
}

}  // namespace

const std::vector<std::string>& record_columns() {
  static const std::vector<std::string> columns = {"chain_id",
                                                   "seq",
                                                   "kind",
                                                   "prev_hash",
                                                   "hash",
                                                   "logged_at_us",
                                                   "trace_id",
                                                   "span_id",
                                                   "parent_span_id",
                                                   "name",
                                                   "start_us",
                                                   "end_us",
                                                   "status",
                                                   "processing_activity_id",
                                                   "data_subject_id",
                                                   "data_subject_id_type",
                                                   "pseudonym_key_id",
                                                   "event",
                                                   "organisation",
                                                   "role",
                                                   "user_id",
                                                   "purpose",
                                                   "legal_basis",
                                                   "dataset",
                                                   "resource",
                                                   "owner_organisation",
                                                   "fields_released",
                                                   "fields_withheld",
                                                   "decision",
                                                   "reason_code",
                                                   "http_status",
                                                   "record_count",
                                                   "source_latency_us",
                                                   "details"};
  return columns;
}

const std::string& record_column_list() {
  static const std::string list = [] {
    std::string s;
    for (const auto& c : record_columns()) s += (s.empty() ? "" : ", ") + c;
    return s;
  }();
  return list;
}

// Both as nlohmann::json dumps them, without building a json value (json_text.hpp).
std::string json_column(const nlohmann::json& value) {
  std::string out;
  json_text::append_json(out, value);
  return out;
}

std::string json_column(const std::vector<std::string>& list) {
  std::string out;
  json_text::append_list(out, list);
  return out;
}

std::vector<Value> record_values(const LogRecord& r) {
  struct Collect {
    std::vector<Value> values;
    void integer(std::int64_t n) { values.emplace_back(n); }
    void text(const std::string& s, bool) { values.emplace_back(s); }
  } collect;
  collect.values.reserve(record_columns().size());
  for_each_record_value(r, collect);
  return std::move(collect.values);
}

LogRecord record_from_texts(const std::vector<std::string>& t) {
  LogRecord r;
  std::size_t i = 0;
  r.chain_id = t[i++];
  r.seq = to_int(t[i++]);
  r.kind = t[i++] == "audit" ? RecordKind::Audit : RecordKind::Processing;
  r.prev_hash = t[i++];
  r.hash = t[i++];
  r.logged_at_us = to_int(t[i++]);
  r.trace_id = t[i++];
  r.span_id = t[i++];
  r.parent_span_id = t[i++];
  r.name = t[i++];
  r.start_us = to_int(t[i++]);
  r.end_us = to_int(t[i++]);
  r.status = t[i++];
  r.processing_activity_id = t[i++];
  r.data_subject_id = t[i++];
  r.data_subject_id_type = t[i++];
  r.pseudonym_key_id = t[i++];
  r.event = t[i++];
  r.organisation = t[i++];
  r.role = t[i++];
  r.user = t[i++];
  r.purpose = t[i++];
  r.legal_basis = t[i++];
  r.dataset = t[i++];
  r.resource = t[i++];
  r.owner_organisation = t[i++];
  r.fields_released = json_list(t[i++]);
  r.fields_withheld = json_list(t[i++]);
  r.decision = t[i++];
  r.reason_code = t[i++];
  r.http_status = static_cast<int>(to_int(t[i++]));
  r.record_count = to_int(t[i++]);
  r.source_latency_us = to_int(t[i++]);
  // A tampered details column that is no longer JSON still hashes differently: keep its text.
  auto details = nlohmann::json::parse(t[i], nullptr, false);
  r.details = details.is_discarded() ? nlohmann::json(t[i]) : details;
  return r;
}

Where build_where(const LogFilter& f, const std::optional<LogCursor>& after,
                  const std::function<std::string(std::size_t)>& placeholder) {
  Where w;
  std::vector<std::string> terms;
  auto add = [&](const std::string& column, const char* op, Value v) {
    w.params.push_back(std::move(v));
    terms.push_back(column + " " + op + " " + placeholder(w.params.size()));
  };
  auto add_text = [&](const std::string& column, const std::string& v) {
    if (!v.empty()) add(column, "=", v);
  };
  if (f.from_us) add("logged_at_us", ">=", *f.from_us);
  if (f.to_us) add("logged_at_us", "<", *f.to_us);
  add_text("dataset", f.dataset);
  add_text("purpose", f.purpose);
  add_text("organisation", f.organisation);
  add_text("owner_organisation", f.owner_organisation);
  add_text("trace_id", f.trace_id);
  if (f.http_status) add("http_status", "=", static_cast<std::int64_t>(*f.http_status));
  add_text("decision", f.decision);
  if (f.kind) add("kind", "=", std::string(record_kind_name(*f.kind)));
  add_text("processing_activity_id", f.processing_activity_id);
  if (!f.data_subject_id.empty()) {
    add("data_subject_id", "=", f.data_subject_id);
    // Implied by the line above, but PostgreSQL's subject index is partial (records about a
    // person only): stated, a plan made without knowing the subject (a prepared statement's
    // generic plan) may use it too.
    terms.push_back("data_subject_id <> ''");
  }
  add_text("data_subject_id_type", f.data_subject_id_type);
  if (after) {
    // Keyset paging, spelled out rather than as a row comparison so both databases use the index.
    w.params.push_back(after->logged_at_us);
    std::string t1 = placeholder(w.params.size());
    w.params.push_back(after->chain_id);
    std::string c1 = placeholder(w.params.size());
    w.params.push_back(after->seq);
    std::string s1 = placeholder(w.params.size());
    terms.push_back("(logged_at_us < " + t1 + " OR (logged_at_us = " + t1 + " AND (chain_id < " +
                    c1 + " OR (chain_id = " + c1 + " AND seq < " + s1 + "))))");
  }
  for (std::size_t i = 0; i < terms.size(); ++i) {
    w.sql += (i == 0 ? " WHERE " : " AND ") + terms[i];
  }
  return w;
}

}  // namespace bronpoort::processing_log::sql
