#pragma once
// What the log stage writes for one request: Logboek Dataverwerkingen processing records (one per
// data subject, as child spans of the request's span, or one without a subject) and one audit
// record. Also the audit records other stages write when grants or access requests change.

#include <bronpoort/core/request_context.hpp>
#include <bronpoort/processing_log/pseudonymiser.hpp>
#include <bronpoort/processing_log/record.hpp>

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace bronpoort::processing_log {

// Whether a request belongs in the log: data requests (allowed or refused) and anything the access
// check decided on. Health checks, metrics and the catalog are not processing of personal data.
bool should_log(const RequestContext& ctx);

// The records for a finished request: processing records first, then the audit record.
std::vector<LogRecord> records_for_request(const RequestContext& ctx, const Pseudonymiser& pseudo);

// A change made through one of the gateway's own endpoints, e.g. event "grant-revoked" with
// details {"grantId": "..."}; who made it and the trace come from `ctx`.
struct AuditEvent {
  std::string event;
  std::string purpose;
  std::string dataset;
  std::string owner_organisation;  // the source holder the change concerns
  std::vector<std::string> fields;
  nlohmann::json details = nlohmann::json::object();
};

LogRecord audit_event_record(const RequestContext& ctx, const AuditEvent& event);

}  // namespace bronpoort::processing_log
