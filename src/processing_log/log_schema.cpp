#include "log_schema.hpp"

namespace bronpoort::processing_log::schema {
namespace {

// Replaces every "BIG" with the dialect's 64-bit integer type.
std::string typed(std::string sql, const Dialect& dialect) {
  const std::string marker = "BIG";
  for (auto at = sql.find(marker); at != std::string::npos;
       at = sql.find(marker, at + std::char_traits<char>::length(dialect.big_integer))) {
    sql.replace(at, marker.size(), dialect.big_integer);
  }
  return sql;
}

}  // namespace

std::string sqlite_append_only(const std::string& table) {
  std::string out;
  for (const char* op : {"UPDATE", "DELETE"}) {
    const std::string suffix = op[0] == 'U' ? "_no_update" : "_no_delete";
    out += "CREATE TRIGGER " + table + suffix + " BEFORE " + op + " ON " + table +
           "\n  BEGIN SELECT RAISE(ABORT, '" + table + " is append-only'); END;\n";
  }
  return out;
}

std::string postgres_append_only(const std::string& table) {
  return "CREATE TRIGGER " + table + "_append_only BEFORE UPDATE OR DELETE ON " + table +
         "\n  FOR EACH ROW EXECUTE FUNCTION bronpoort_refuse_log_change();\n"
         "CREATE TRIGGER " +
         table + "_no_truncate BEFORE TRUNCATE ON " + table +
         "\n  FOR EACH STATEMENT EXECUTE FUNCTION bronpoort_refuse_log_change();\n";
}

std::string log_tables(const Dialect& dialect) {
  return typed(R"SQL(
CREATE TABLE processing_log (
  chain_id TEXT NOT NULL, seq BIG NOT NULL, kind TEXT NOT NULL,
  prev_hash TEXT NOT NULL, hash TEXT NOT NULL, logged_at_us BIG NOT NULL,
  trace_id TEXT NOT NULL, span_id TEXT NOT NULL, parent_span_id TEXT NOT NULL, name TEXT NOT NULL,
  start_us BIG NOT NULL, end_us BIG NOT NULL, status TEXT NOT NULL,
  processing_activity_id TEXT NOT NULL, data_subject_id TEXT NOT NULL,
  data_subject_id_type TEXT NOT NULL, pseudonym_key_id TEXT NOT NULL, event TEXT NOT NULL,
  organisation TEXT NOT NULL, role TEXT NOT NULL, user_id TEXT NOT NULL, purpose TEXT NOT NULL,
  legal_basis TEXT NOT NULL, dataset TEXT NOT NULL, resource TEXT NOT NULL,
  owner_organisation TEXT NOT NULL, fields_released TEXT NOT NULL, fields_withheld TEXT NOT NULL,
  decision TEXT NOT NULL, reason_code TEXT NOT NULL, http_status INTEGER NOT NULL,
  record_count BIG NOT NULL, source_latency_us BIG NOT NULL, details TEXT NOT NULL,
  PRIMARY KEY (chain_id, seq));
CREATE INDEX processing_log_newest ON processing_log (logged_at_us DESC, chain_id DESC, seq DESC);
CREATE INDEX processing_log_trace ON processing_log (trace_id);
CREATE INDEX processing_log_subject ON processing_log (data_subject_id);
CREATE INDEX processing_log_organisation ON processing_log (organisation, logged_at_us);
CREATE INDEX processing_log_owner ON processing_log (owner_organisation, logged_at_us);
CREATE TABLE log_checkpoints (
  chain_id TEXT NOT NULL, seq BIG NOT NULL, head_hash TEXT NOT NULL,
  signed_at_us BIG NOT NULL, key_id TEXT NOT NULL, signature TEXT NOT NULL,
  PRIMARY KEY (chain_id, seq));
)SQL",
               dialect);
}

std::string tree_tables(const Dialect& dialect) {
  return typed(R"SQL(
CREATE TABLE log_tree_nodes (
  chain_id TEXT NOT NULL, level INTEGER NOT NULL, idx BIG NOT NULL, hash TEXT NOT NULL,
  PRIMARY KEY (chain_id, level, idx));
CREATE TABLE log_tree_heads (
  chain_id TEXT NOT NULL, tree_size BIG NOT NULL, root_hash TEXT NOT NULL,
  signed_at_us BIG NOT NULL, note TEXT NOT NULL, PRIMARY KEY (chain_id, tree_size));
)SQL",
               dialect);
}

}  // namespace bronpoort::processing_log::schema
