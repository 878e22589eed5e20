#include <bronpoort/processing_log/records_from_request.hpp>

#include <cctype>

namespace bronpoort::processing_log {
namespace {

std::int64_t to_us(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count();
}

std::string calling_organisation(const Identity& id) {
  if (!id.organisation.empty()) return id.organisation;
  return id.certificate_oin.value_or("");
}

std::string acting_role(const RequestContext& ctx) {
  if (!ctx.decision.role.empty()) return ctx.decision.role;
  return ctx.identity.roles.empty() ? "" : ctx.identity.roles.front();
}

int http_status(const RequestContext& ctx) {
  return ctx.problem ? ctx.problem->status : ctx.response.status;
}

std::int64_t record_count(const RequestContext& ctx) {
  if (ctx.refused() || !ctx.result.fetched) return 0;
  if (ctx.result.body.is_array()) return static_cast<std::int64_t>(ctx.result.body.size());
  return ctx.result.body.is_null() ? 0 : 1;
}

// The fields every record of the request shares.
LogRecord base_record(const RequestContext& ctx) {
  LogRecord r;
  r.trace_id = ctx.trace.trace_id;
  r.start_us = to_us(ctx.started_wall);
  r.end_us = to_us(std::chrono::system_clock::now());
  r.status = ctx.refused() || http_status(ctx) >= 400 ? "Error" : "Ok";
  r.organisation = calling_organisation(ctx.identity);
  r.role = acting_role(ctx);
  r.user = ctx.identity.subject;
  r.purpose = ctx.decision.purpose_id.empty() ? ctx.purpose_id : ctx.decision.purpose_id;
  r.legal_basis = ctx.decision.legal_basis;
  r.processing_activity_id = ctx.decision.processing_activity;
  r.dataset = ctx.route.dataset;
  r.resource = ctx.route.resource;
  r.owner_organisation = ctx.route.owner_organisation;
  r.decision = ctx.decision.evaluated ? (ctx.decision.allowed ? "allow" : "deny") : "";
  r.reason_code = ctx.problem ? ctx.problem->code : ctx.decision.code;
  r.http_status = http_status(ctx);
  return r;
}

std::string operation_name(const RequestContext& ctx) {
  std::string what =
      ctx.route.dataset.empty() ? ctx.route.name : ctx.route.dataset + "/" + ctx.route.resource;
  switch (ctx.route.operation) {
    case DataOperation::Detail:
      return "read " + what;
    case DataOperation::Search:
      return "search " + what;
    case DataOperation::List:
      break;
  }
  return "list " + what;
}

}  // namespace

bool should_log(const RequestContext& ctx) {
  // A request without a verified identity processed nobody's data: it goes to metrics and the
  // access log, not the durable log, which an anonymous client could otherwise fill at will.
  if (!ctx.identity.authenticated) return false;
  return ctx.route.kind == RouteKind::Data || ctx.decision.evaluated;
}

// The subjects a refused request was after: a lookup by the subject's identifier (the id of a
// detail request, or an equality filter on the subject field) names them before anything was
// fetched. The attempt then appears in that person's own view of the log.
std::vector<DataSubject> attempted_subjects(const RequestContext& ctx) {
  std::vector<DataSubject> out;
  const auto& field = ctx.route.subject_field;
  if (field.empty()) return out;
  if (ctx.query.operation == DataOperation::Detail && ctx.route.id_field == field &&
      !ctx.query.id.empty()) {
    out.push_back(DataSubject{ctx.route.subject_type, ctx.query.id});
  }
  for (const auto& f : ctx.query.filters) {
    if (f.field != field || (f.op != FilterOp::Eq && f.op != FilterOp::In)) continue;
    for (const auto& v : f.values) {
      if (v.is_string()) out.push_back(DataSubject{ctx.route.subject_type, v.get<std::string>()});
    }
  }
  return out;
}

std::vector<LogRecord> records_for_request(const RequestContext& ctx, const Pseudonymiser& pseudo) {
  std::vector<LogRecord> out;
  LogRecord base = base_record(ctx);  // copied into each processing record, moved into the audit
  // A refused request processed nobody's data unless the subject was already known (a lookup by
  // BSN that was denied is still an attempt on that person's data).
  const bool attempt = ctx.refused() && ctx.data_subjects.empty();
  const std::vector<DataSubject> attempted =
      attempt ? attempted_subjects(ctx) : std::vector<DataSubject>{};
  const std::vector<DataSubject>& subjects = attempt ? attempted : ctx.data_subjects;
  bool processed = !ctx.refused() || !subjects.empty();
  out.reserve(subjects.size() + 2);  // the processing records and the audit record, moved once
  if (processed && ctx.route.kind == RouteKind::Data) {
    auto processing = [&]() {
      LogRecord r = base;
      r.kind = RecordKind::Processing;
      r.span_id = TraceContext::new_span_id();
      r.parent_span_id = ctx.trace.span_id;
      r.name = operation_name(ctx);
      return r;
    };
    for (const auto& subject : subjects) {
      LogRecord r = processing();
      r.data_subject_id = pseudo.pseudonym(subject.type, subject.id);
      r.data_subject_id_type = subject.type;
      for (auto& c : r.data_subject_id_type) {
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      }
      r.pseudonym_key_id = pseudo.key_id();
      out.push_back(std::move(r));
    }
    if (subjects.empty()) out.push_back(processing());
  }
  LogRecord audit = std::move(base);
  audit.kind = RecordKind::Audit;
  audit.event = "request";
  audit.span_id = ctx.trace.span_id;
  audit.parent_span_id = ctx.trace.parent_span_id;
  audit.name =
      ctx.request.method + " " + (ctx.route.name.empty() ? ctx.request.path : ctx.route.name);
  if (ctx.decision.allowed && !ctx.refused()) audit.fields_released = ctx.decision.fields_granted;
  audit.fields_withheld = ctx.decision.fields_withheld;
  audit.record_count = record_count(ctx);
  audit.source_latency_us = ctx.result.latency.count();
  if (!ctx.decision.reason.empty() && !ctx.decision.allowed) {
    audit.details = {{"reason", ctx.decision.reason}};
  }
  if (!ctx.decision.grant_id.empty()) audit.details["grantId"] = ctx.decision.grant_id;
  if (ctx.audit_details.is_object()) {
    for (const auto& [key, value] : ctx.audit_details.items()) audit.details[key] = value;
  }
  out.push_back(std::move(audit));
  return out;
}

LogRecord audit_event_record(const RequestContext& ctx, const AuditEvent& event) {
  LogRecord r = base_record(ctx);
  r.kind = RecordKind::Audit;
  r.event = event.event;
  r.span_id = TraceContext::new_span_id();
  r.parent_span_id = ctx.trace.span_id;
  r.name = event.event;
  r.status = "Ok";
  r.purpose = event.purpose;
  r.dataset = event.dataset;
  r.resource.clear();
  r.owner_organisation = event.owner_organisation;
  r.fields_released = event.fields;
  r.details = event.details.is_object() ? event.details : nlohmann::json::object();
  r.decision.clear();
  r.reason_code.clear();
  return r;
}

}  // namespace bronpoort::processing_log
