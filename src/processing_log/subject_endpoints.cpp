// Reading the log about data subjects: the Logboek Dataverwerkingen read API
// (POST /v1/processing-activities) and a citizen's own records (GET /v1/my-processing-log).
// Subject identifiers arrive only in a body or a token, never in a URL, and are pseudonymised
// before they reach the store.

#include "log_endpoints.hpp"
#include "log_query.hpp"

#include <bronpoort/common/endpoint_kit.hpp>
#include <bronpoort/common/roles.hpp>
#include <bronpoort/common/time.hpp>
#include <bronpoort/core/purpose_id.hpp>

namespace bronpoort::processing_log {
namespace {

const char* status_code(const std::string& status) {
  if (status == "Ok") return "STATUS_CODE_OK";
  if (status == "Error") return "STATUS_CODE_ERROR";
  return "STATUS_CODE_UNKNOWN";
}

// A processing record in the standard's shape (trace_id, operation_id, attributes, ...).
nlohmann::json standard_json(const LogRecord& r) {
  nlohmann::json attributes = nlohmann::json::array();
  auto attr = [&](const char* key, const std::string& value) {
    if (!value.empty()) attributes.push_back({{"key", key}, {"value", value}});
  };
  attr("dpl.core.processing_activity_id", r.processing_activity_id);
  attr("dpl.core.data_subject_id", r.data_subject_id);
  attr("dpl.core.data_subject_id_type", r.data_subject_id_type);
  return {{"trace_id", r.trace_id},
          {"operation_id", r.span_id},
          {"parent_operation_id", r.parent_span_id},
          {"name", r.name},
          {"status_code", status_code(r.status)},
          {"start_time", common::format_time_us(r.start_us)},
          {"end_time", common::format_time_us(r.end_us)},
          {"attributes", attributes}};
}

Problem bad_body(const std::string& pointer, const std::string& reason) {
  auto p = make_problem(400, "invalid-body", "The search body is invalid.");
  p.invalid_params.push_back({pointer, reason, "invalid-member"});
  return p;
}

// Parses {"traceId", "from", "to", "attributes": {"dpl.core.processing_activity_id",
// "dpl.core.data_subject_id", "dpl.core.data_subject_id_type"}, "pageSize", "cursor"}.
std::optional<LogRequest> parse_search(const std::string& body, const Pseudonymiser& pseudo,
                                       int max_page_size, Problem& problem) {
  auto j = nlohmann::json::parse(body, nullptr, false);
  if (!j.is_object()) {
    problem = bad_body("", "the body must be a JSON object");
    return std::nullopt;
  }
  LogRequest out;
  out.filter.kind = RecordKind::Processing;
  bool criteria = false;
  auto text = [&](const nlohmann::json& obj, const std::string& key, const std::string& pointer,
                  std::string& into) {
    if (!obj.contains(key)) return true;
    if (!obj[key].is_string() || obj[key].get<std::string>().empty()) {
      problem = bad_body(pointer, "must be a non-empty string");
      return false;
    }
    into = obj[key].get<std::string>();
    criteria = true;
    return true;
  };
  std::string from, to, subject, subject_type, cursor;
  for (const auto& [key, value] : j.items()) {
    if (key != "traceId" && key != "from" && key != "to" && key != "attributes" &&
        key != "pageSize" && key != "cursor") {
      problem = bad_body("/" + key, "unknown member");
      return std::nullopt;
    }
  }
  if (!text(j, "traceId", "/traceId", out.filter.trace_id) || !text(j, "from", "/from", from) ||
      !text(j, "to", "/to", to)) {
    return std::nullopt;
  }
  if (!out.filter.trace_id.empty() && !is_trace_id(out.filter.trace_id)) {
    problem = bad_body("/traceId", "must be 32 lower-case hex digits");
    return std::nullopt;
  }
  for (auto [value, field] : {std::pair{&from, &out.filter.from_us}, {&to, &out.filter.to_us}}) {
    if (value->empty()) continue;
    auto us = common::parse_date_or_date_time_us(*value);
    if (!us) {
      problem = bad_body(value == &from ? "/from" : "/to", "must be an RFC 3339 date-time");
      return std::nullopt;
    }
    *field = *us;
  }
  if (j.contains("attributes")) {
    const auto& a = j["attributes"];
    if (!a.is_object()) {
      problem = bad_body("/attributes", "must be an object");
      return std::nullopt;
    }
    for (const auto& [key, value] : a.items()) {
      if (key != "dpl.core.processing_activity_id" && key != "dpl.core.data_subject_id" &&
          key != "dpl.core.data_subject_id_type") {
        problem = bad_body("/attributes/" + key, "unknown attribute");
        return std::nullopt;
      }
    }
    if (!text(a, "dpl.core.processing_activity_id", "/attributes/dpl.core.processing_activity_id",
              out.filter.processing_activity_id) ||
        !text(a, "dpl.core.data_subject_id", "/attributes/dpl.core.data_subject_id", subject) ||
        !text(a, "dpl.core.data_subject_id_type", "/attributes/dpl.core.data_subject_id_type",
              subject_type)) {
      return std::nullopt;
    }
    if (subject.empty() != subject_type.empty()) {
      problem = bad_body("/attributes", "give dpl.core.data_subject_id together with its type");
      return std::nullopt;
    }
    if (!subject.empty()) {
      // The raw identifier is turned into the stored pseudonym and then forgotten.
      out.filter.data_subject_id = pseudo.pseudonym(subject_type, subject);
      out.filter.data_subject_id_type = subject_type;
    }
  }
  if (j.contains("pageSize")) {
    if (!j["pageSize"].is_number_integer() || j["pageSize"].get<int>() < 1 ||
        j["pageSize"].get<int>() > max_page_size) {
      problem = bad_body("/pageSize", "must be from 1 to " + std::to_string(max_page_size));
      return std::nullopt;
    }
    out.page_size = j["pageSize"].get<int>();
  }
  const bool has_criteria = criteria;  // a cursor alone is not a criterion
  if (!text(j, "cursor", "/cursor", cursor)) return std::nullopt;
  if (!cursor.empty() && !(out.cursor = LogCursor::decode(cursor))) {
    problem = bad_body("/cursor", "not a cursor this API returned");
    return std::nullopt;
  }
  if (!has_criteria) {
    problem = make_problem(400, "criteria-required",
                           "Give at least one of traceId, from, to or a dpl.core attribute.");
    return std::nullopt;
  }
  return out;
}

// The purpose stated for a lookup by data subject (core/purpose_id.hpp). Refuses (ctx.fail) and
// returns nullopt when there is none.
std::optional<std::string> stated_log_purpose(RequestContext& ctx) {
  auto stated = read_stated_purpose(ctx.request.headers);
  if (auto* p = std::get_if<Problem>(&stated)) {
    if (p->code == "purpose-missing") {
      p->detail =
          "A lookup by data subject needs a stated purpose: send one 'Processing-Purpose: "
          "<purpose id>' header, e.g. the purpose of the complaint or investigation you handle.";
    }
    ctx.fail(std::move(*p));
    return std::nullopt;
  }
  return std::move(std::get<std::string>(stated));
}

class ProcessingActivitiesEndpoint final : public Endpoint {
 public:
  ProcessingActivitiesEndpoint(std::shared_ptr<ProcessingLog> log, BlockingExecutor& executor)
      : log_(std::move(log)), executor_(executor) {}

  void handle(RequestContext& ctx, Resume done) const override {
    Problem problem;
    auto request = parse_search(ctx.request.body, log_->pseudonymiser(),
                                log_->config().max_page_size, problem);
    if (!request || !restrict_to_caller(ctx.identity, request->filter, problem)) {
      ctx.fail(problem);
      done(Flow::Stop);
      return;
    }
    LogRead read{request->filter, {}};
    if (!request->filter.data_subject_id.empty()) {
      // Asking whether one person's data was processed is processing that person's data: it
      // needs a stated purpose, which the audit record keeps.
      auto stated = stated_log_purpose(ctx);
      if (!stated) {
        done(Flow::Stop);
        return;
      }
      read.stated_purpose = *stated;
    }
    audit_read_then(*log_, executor_, ctx, read, std::move(done), [this, &ctx, req = *request] {
      auto page = log_->store().query(req.filter, req.cursor, req.page_size);
      nlohmann::json items = nlohmann::json::array();
      for (const auto& r : page.records) items.push_back(standard_json(r));
      nlohmann::json body = {{"processingActivities", items}};
      if (page.next) body["nextCursor"] = page.next->encode();
      common::respond_json(ctx, 200, body);
    });
  }

 private:
  std::shared_ptr<ProcessingLog> log_;
  BlockingExecutor& executor_;
};

class MyLogEndpoint final : public Endpoint {
 public:
  MyLogEndpoint(std::shared_ptr<ProcessingLog> log, BlockingExecutor& executor)
      : log_(std::move(log)), executor_(executor) {}

  void handle(RequestContext& ctx, Resume done) const override {
    if (!require_role(ctx, common::roles::kDataSubject, done)) return;
    if (!ctx.identity.bsn || ctx.identity.bsn->empty()) {
      ctx.fail(make_problem(403, "bsn-required",
                            "Your token does not say who you are (no bsn claim), so there are no "
                            "records to show."));
      done(Flow::Stop);
      return;
    }
    Problem problem;
    auto request = parse_log_query(ctx.request, log_->config().max_page_size, problem);
    if (!request) {
      ctx.fail(problem);
      done(Flow::Stop);
      return;
    }
    // Whatever the query says, only processing records about this person are read.
    request->filter.kind = RecordKind::Processing;
    request->filter.data_subject_id = log_->pseudonymiser().pseudonym("BSN", *ctx.identity.bsn);
    request->filter.data_subject_id_type = "BSN";
    run_blocking(executor_, ctx, std::move(done), [this, &ctx, req = *request] {
      auto page = log_->store().query(req.filter, req.cursor, req.page_size);
      nlohmann::json items = nlohmann::json::array();
      for (const auto& r : page.records) {
        items.push_back({{"time", common::format_time_us(r.start_us)},
                         {"organisation", r.organisation},
                         {"purpose", r.purpose},
                         {"legalBasis", r.legal_basis},
                         {"processingActivityId", r.processing_activity_id},
                         {"dataset", r.dataset},
                         {"resource", r.resource},
                         {"operation", r.name},
                         {"outcome", r.status == "Ok" ? "released" : "refused"},
                         {"traceId", r.trace_id}});
      }
      nlohmann::json links = {{"self", {{"href", ctx.request.target}}}};
      if (page.next) links["next"] = {{"href", next_page_href(ctx.request, *page.next)}};
      common::respond_json(ctx, 200, {{"records", items}, {"_links", links}});
    });
  }

 private:
  std::shared_ptr<ProcessingLog> log_;
  BlockingExecutor& executor_;
};

}  // namespace

std::shared_ptr<const Endpoint> make_processing_activities_endpoint(
    std::shared_ptr<ProcessingLog> log, BlockingExecutor& executor) {
  return std::make_shared<ProcessingActivitiesEndpoint>(std::move(log), executor);
}

std::shared_ptr<const Endpoint> make_my_log_endpoint(std::shared_ptr<ProcessingLog> log,
                                                     BlockingExecutor& executor) {
  return std::make_shared<MyLogEndpoint>(std::move(log), executor);
}

}  // namespace bronpoort::processing_log
