#include "store_rows.hpp"

#include <bronpoort/common/time.hpp>

#include <nlohmann/json.hpp>

namespace bronpoort::access::rows {

const char* const kRequestTable = "access_requests";
const char* const kGrantTable = "access_grants";

const std::vector<std::string>& request_columns() {
  static const std::vector<std::string> c = {
      "id",         "state",        "organisation", "requester",
      "role",       "purpose_id",   "legal_basis",  "dataset",
      "resource",   "fields",       "motivation",   "owner_organisation",
      "created_at", "decided_at",   "decided_by",   "decision_reason",
      "approval",   "precedent_id", "grant_id"};
  return c;
}

const std::vector<std::string>& grant_columns() {
  static const std::vector<std::string> c = {"id",
                                             "organisation",
                                             "role",
                                             "purpose_id",
                                             "dataset",
                                             "resource",
                                             "fields",
                                             "owner_organisation",
                                             "access_request_id",
                                             "approval",
                                             "precedent_id",
                                             "granted_at",
                                             "valid_until",
                                             "revoked_at",
                                             "revoked_by"};
  return c;
}

namespace {

std::string fields_text(const std::vector<std::string>& f) {
  return nlohmann::json(f).dump();
}

std::vector<std::string> fields_from(const std::string& s) {
  auto j = nlohmann::json::parse(s, nullptr, false);
  if (!j.is_array()) throw std::runtime_error("stored field list is not a JSON array");
  return j.get<std::vector<std::string>>();
}

TimePoint time_from(const std::string& s) {
  auto t = common::parse_time(s);
  if (!t) throw std::runtime_error("stored timestamp is malformed: " + s);
  return *t;
}

std::optional<TimePoint> opt_time(const std::string& s) {
  if (s.empty()) return std::nullopt;
  return time_from(s);
}

}  // namespace

Row from_request(const AccessRequest& r) {
  return {r.id,
          request_state_name(r.state),
          r.organisation,
          r.requester,
          r.role,
          r.purpose_id,
          r.legal_basis,
          r.dataset,
          r.resource,
          fields_text(r.fields),
          r.motivation,
          r.owner_organisation,
          common::format_time(r.created_at),
          r.decided_at ? common::format_time(*r.decided_at) : "",
          r.decided_by,
          r.decision_reason,
          r.approval ? approval_kind_name(*r.approval) : "",
          r.precedent_id,
          r.grant_id};
}

AccessRequest to_request(const Row& row) {
  if (row.size() != request_columns().size()) throw std::runtime_error("bad request row");
  AccessRequest r;
  r.id = row[0];
  auto state = parse_request_state(row[1]);
  if (!state) throw std::runtime_error("stored request state is unknown: " + row[1]);
  r.state = *state;
  r.organisation = row[2];
  r.requester = row[3];
  r.role = row[4];
  r.purpose_id = row[5];
  r.legal_basis = row[6];
  r.dataset = row[7];
  r.resource = row[8];
  r.fields = fields_from(row[9]);
  r.motivation = row[10];
  r.owner_organisation = row[11];
  r.created_at = time_from(row[12]);
  r.decided_at = opt_time(row[13]);
  r.decided_by = row[14];
  r.decision_reason = row[15];
  if (!row[16].empty()) r.approval = parse_approval_kind(row[16]);
  r.precedent_id = row[17];
  r.grant_id = row[18];
  return r;
}

Row from_grant(const Grant& g) {
  return {g.id,
          g.organisation,
          g.role,
          g.purpose_id,
          g.dataset,
          g.resource,
          fields_text(g.fields),
          g.owner_organisation,
          g.access_request_id,
          approval_kind_name(g.approval),
          g.precedent_id,
          common::format_time(g.granted_at),
          common::format_time(g.valid_until),
          g.revoked_at ? common::format_time(*g.revoked_at) : "",
          g.revoked_by};
}

Grant to_grant(const Row& row) {
  if (row.size() != grant_columns().size()) throw std::runtime_error("bad grant row");
  Grant g;
  g.id = row[0];
  g.organisation = row[1];
  g.role = row[2];
  g.purpose_id = row[3];
  g.dataset = row[4];
  g.resource = row[5];
  g.fields = fields_from(row[6]);
  g.owner_organisation = row[7];
  g.access_request_id = row[8];
  g.approval = parse_approval_kind(row[9]).value_or(ApprovalKind::Manual);
  g.precedent_id = row[10];
  g.granted_at = time_from(row[11]);
  g.valid_until = time_from(row[12]);
  g.revoked_at = opt_time(row[13]);
  g.revoked_by = row[14];
  return g;
}

std::string create_table(const char* table, const std::vector<std::string>& columns) {
  std::string sql = std::string("CREATE TABLE IF NOT EXISTS ") + table + " (";
  for (const auto& c : columns) sql += c + " TEXT NOT NULL, ";
  return sql + "PRIMARY KEY (id))";
}

std::string insert_into(const char* table, const std::vector<std::string>& columns,
                        std::string (*placeholder)(int)) {
  std::string names, values;
  for (std::size_t i = 0; i < columns.size(); ++i) {
    names += (i ? ", " : "") + columns[i];
    values += (i ? ", " : "") + placeholder(static_cast<int>(i) + 1);
  }
  return std::string("INSERT INTO ") + table + " (" + names + ") VALUES (" + values + ")";
}

std::string decide_update(std::string (*placeholder)(int)) {
  const auto& cols = request_columns();
  std::string sql = std::string("UPDATE ") + kRequestTable + " SET ";
  for (std::size_t i = 1; i < cols.size(); ++i) {
    sql += (i > 1 ? ", " : "") + cols[i] + " = " + placeholder(static_cast<int>(i));
  }
  return sql + " WHERE id = " + placeholder(static_cast<int>(cols.size())) +
         " AND state = 'pending'";
}

}  // namespace bronpoort::access::rows
