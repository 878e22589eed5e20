#pragma once
// One line of the processing log. Processing records follow the Logboek Dataverwerkingen standard
// (a span with dpl.core.* attributes, one per data subject); audit records say who asked what and
// what the access check decided. Both kinds share one table and one hash chain, so dropping or
// altering either is detected by the same verification.

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace bronpoort::processing_log {

enum class RecordKind { Processing, Audit };

const char* record_kind_name(RecordKind kind);  // "processing" / "audit"

struct LogRecord {
  RecordKind kind = RecordKind::Processing;

  // Position in the writer's hash chain; filled in by the writer, in commit order.
  std::string chain_id;
  std::int64_t seq = 0;
  std::string prev_hash;          // 64 hex digits; all zeros for the first record of a chain
  std::string hash;               // SHA-256(prev_hash bytes || canonical_bytes()) as hex
  std::int64_t logged_at_us = 0;  // wall time the writer took the record, microseconds since epoch

  // The span (W3C Trace Context ids, as hex).
  std::string trace_id;
  std::string span_id;
  std::string parent_span_id;
  std::string name;  // the operation, e.g. "read persons/persons"
  std::int64_t start_us = 0;
  std::int64_t end_us = 0;
  std::string status = "Unset";  // Unset | Ok | Error

  // dpl.core.* attributes (processing records).
  std::string processing_activity_id;
  std::string data_subject_id;  // keyed HMAC pseudonym, never the raw identifier
  std::string data_subject_id_type;
  std::string pseudonym_key_id;

  // Who asked, for which purpose, about whose data, and the outcome. Filled on both kinds so that
  // auditors, source holders and citizens can filter processing records too.
  std::string event;  // audit: "request", or a change such as "grant-revoked"
  std::string organisation;
  std::string role;
  std::string user;
  std::string purpose;
  std::string legal_basis;
  std::string dataset;
  std::string resource;
  std::string owner_organisation;  // OIN of the source holder owning the dataset
  std::vector<std::string> fields_released;
  std::vector<std::string> fields_withheld;
  std::string decision;  // "allow", "deny" or "" when no access check applied
  std::string reason_code;
  int http_status = 0;
  std::int64_t record_count = 0;
  std::int64_t source_latency_us = 0;
  nlohmann::json details = nlohmann::json::object();  // audit events: what changed

  // The bytes the chain hash covers: every member except `hash` and `prev_hash`, as JSON with
  // sorted keys and no whitespace. Stable across stores and releases (versioned by "v").
  std::string canonical_bytes() const;

  // The record as the auditor API returns it (camelCase, RFC 3339 times).
  nlohmann::json to_api_json() const;
};

// The all-zero predecessor hash of a chain's first record.
const std::string& genesis_hash();

// SHA-256(prev_hash bytes || canonical bytes) as lower-case hex; prev_hash must be 64 hex digits.
std::string chain_hash(const std::string& prev_hash_hex, const std::string& canonical);

// Fills seq, prev_hash and hash of `record` as the successor of (head_seq, head_hash).
void link_record(LogRecord& record, std::int64_t head_seq, const std::string& head_hash);

}  // namespace bronpoort::processing_log
