#include "log_query.hpp"

#include <bronpoort/common/endpoint_kit.hpp>
#include <bronpoort/common/roles.hpp>
#include <bronpoort/common/time.hpp>
#include <bronpoort/processing_log/records_from_request.hpp>

#include <cctype>
#include <charconv>
#include <set>

namespace bronpoort::processing_log {
namespace {

const std::set<std::string> kKnown = {"from",         "to",       "dataset", "purpose",
                                      "organisation", "traceId",  "status",  "decision",
                                      "kind",         "pageSize", "cursor"};

bool parse_int(const std::string& s, int& v) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return ec == std::errc() && p == s.data() + s.size() && !s.empty();
}

std::string url_encode(const std::string& s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0x0f]);
    }
  }
  return out;
}

}  // namespace

bool is_trace_id(const std::string& s) {
  if (s.size() != 32) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

std::optional<LogRequest> parse_log_query(const HttpRequest& request, int max_page_size,
                                          Problem& problem) {
  LogRequest out;
  std::set<std::string> seen;
  std::vector<InvalidParam> invalid;
  for (const auto& [key, value] : request.query) {
    if (!kKnown.count(key)) {
      invalid.push_back({key,
                         "unknown parameter; use one of from, to, dataset, purpose, "
                         "organisation, traceId, status, decision, kind, pageSize, cursor",
                         "unknown-parameter"});
      continue;
    }
    if (!seen.insert(key).second) {
      invalid.push_back({key, "given more than once", "repeated-parameter"});
      continue;
    }
    auto& f = out.filter;
    if (key == "from" || key == "to") {
      auto us = common::parse_date_or_date_time_us(value);
      if (!us) {
        invalid.push_back(
            {key, "must be an RFC 3339 date-time, e.g. 2026-01-31T12:00:00Z", "invalid-date-time"});
      } else {
        (key == "from" ? f.from_us : f.to_us) = *us;
      }
    } else if (key == "dataset") {
      f.dataset = value;
    } else if (key == "purpose") {
      f.purpose = value;
    } else if (key == "organisation") {
      f.organisation = value;
    } else if (key == "traceId") {
      if (!is_trace_id(value)) {
        invalid.push_back({key, "must be 32 lower-case hex digits", "invalid-trace-id"});
      }
      f.trace_id = value;
    } else if (key == "status") {
      int status = 0;
      if (!parse_int(value, status) || status < 100 || status > 599) {
        invalid.push_back({key, "must be an HTTP status code, e.g. 403", "invalid-status"});
      }
      f.http_status = status;
    } else if (key == "decision") {
      if (value != "allow" && value != "deny") {
        invalid.push_back({key, "must be allow or deny", "invalid-decision"});
      }
      f.decision = value;
    } else if (key == "kind") {
      if (value != "processing" && value != "audit") {
        invalid.push_back({key, "must be processing or audit", "invalid-kind"});
      }
      f.kind = value == "audit" ? RecordKind::Audit : RecordKind::Processing;
    } else if (key == "pageSize") {
      if (!parse_int(value, out.page_size) || out.page_size < 1 || out.page_size > max_page_size) {
        invalid.push_back(
            {key, "must be from 1 to " + std::to_string(max_page_size), "invalid-page-size"});
      }
    } else if (key == "cursor") {
      out.cursor = LogCursor::decode(value);
      if (!out.cursor) {
        invalid.push_back(
            {key, "not a cursor this API returned; start again without it", "invalid-cursor"});
      }
    }
  }
  if (out.filter.from_us && out.filter.to_us && *out.filter.from_us >= *out.filter.to_us) {
    invalid.push_back({"to", "must be after from", "invalid-range"});
  }
  if (!invalid.empty()) {
    problem = make_problem(400, "invalid-parameter", "One or more query parameters are invalid.");
    problem.invalid_params = std::move(invalid);
    return std::nullopt;
  }
  return out;
}

bool restrict_to_caller(const Identity& identity, LogFilter& filter, Problem& problem) {
  if (identity.has_role(common::roles::kAuditor)) return true;
  std::string own = !identity.organisation.empty() ? identity.organisation
                                                   : identity.certificate_oin.value_or("");
  // Reading the log is itself processing of personal data: only these roles may, each within
  // its own remit. Belonging to an organisation is not enough (a citizen's token may carry the
  // municipality's OIN); citizens read their own records at /v1/my-processing-log.
  if (!own.empty() && identity.has_role(common::roles::kSourceAdmin)) {
    // A source holder sees everything about its own datasets, whoever asked.
    filter.owner_organisation = own;
    return true;
  }
  if (!own.empty() && identity.has_role(common::roles::kPrivacyOfficer)) {
    if (!filter.organisation.empty() && filter.organisation != own) {
      problem = make_problem(403, "log-access-denied",
                             "A privacy officer reads only their own organisation's requests; "
                             "leave out organisation or use your own OIN.");
      return false;
    }
    filter.organisation = own;
    return true;
  }
  problem = make_problem(403, "log-access-denied",
                         "Reading the processing log needs the role auditor, source-admin (records "
                         "about your own datasets) or privacy-officer (your organisation's "
                         "requests). A data subject reads their own records at "
                         "/v1/my-processing-log.");
  return false;
}

std::optional<LogRequest> caller_log_query(RequestContext& ctx, int max_page_size, Resume& done,
                                           const char* unpaged) {
  Problem problem;
  auto request = parse_log_query(ctx.request, max_page_size, problem);
  if (request && unpaged && (request->cursor || ctx.request.query_param("pageSize"))) {
    problem = make_problem(400, "invalid-parameter", unpaged);
    request.reset();
  }
  if (!request || !restrict_to_caller(ctx.identity, request->filter, problem)) {
    ctx.fail(problem);
    done(Flow::Stop);
    return std::nullopt;
  }
  return request;
}

nlohmann::json describe_filter(const LogFilter& f) {
  nlohmann::json out = nlohmann::json::object();
  auto text = [&](const char* key, const std::string& value) {
    if (!value.empty()) out[key] = value;
  };
  if (f.from_us) out["from"] = common::format_time_us(*f.from_us);
  if (f.to_us) out["to"] = common::format_time_us(*f.to_us);
  text("dataset", f.dataset);
  text("purpose", f.purpose);
  text("organisation", f.organisation);
  text("ownerOrganisation", f.owner_organisation);
  text("traceId", f.trace_id);
  if (f.http_status) out["status"] = *f.http_status;
  text("decision", f.decision);
  if (f.kind) out["kind"] = *f.kind == RecordKind::Audit ? "audit" : "processing";
  text("processingActivityId", f.processing_activity_id);
  // Only the pseudonym's type: the audit record says that a subject was looked up, not who.
  text("dataSubjectIdType", f.data_subject_id_type);
  return out;
}

void audit_read_then(ProcessingLog& log, BlockingExecutor& executor, RequestContext& ctx,
                     const LogRead& read, Resume done, std::function<void()> work) {
  AuditEvent event;
  event.event = "processing-log-read";
  event.purpose = read.stated_purpose;
  event.details = {{"endpoint", ctx.route.name}, {"filter", describe_filter(read.filter)}};
  if (!read.filter.data_subject_id.empty()) event.details["subjectLookup"] = true;
  // The read is answered only once its audit record is durable: a read that cannot be recorded
  // does not happen.
  log.append_audit_event(
      ctx, event,
      [&executor, &ctx, done = std::move(done), work = std::move(work)](const AppendResult& r) {
        if (!r.durable) {
          ctx.fail(make_problem(503, "log-unavailable",
                                "The processing log cannot record this read right now, so it is "
                                "not answered. Try again shortly."));
          done(Flow::Stop);
          return;
        }
        run_blocking(executor, ctx, done, work);
      });
}

std::string next_page_href(const HttpRequest& request, const LogCursor& cursor) {
  std::string href = request.path + "?";
  for (const auto& [key, value] : request.query) {
    if (key == "cursor") continue;
    href += url_encode(key) + "=" + url_encode(value) + "&";
  }
  return href + "cursor=" + cursor.encode();
}

void run_blocking(BlockingExecutor& executor, RequestContext& ctx, Resume done,
                  std::function<void()> work) {
  common::off_io(
      executor, ctx, std::move(done),
      [work = std::move(work)](RequestContext& c, Resume& d) {
        work();
        d(c.refused() ? Flow::Stop : Flow::Continue);
      },
      make_problem(503, "log-unavailable",
                   "The processing log cannot be read right now. Try again shortly."),
      "log-read-failed");
}

bool require_role(RequestContext& ctx, const char* role, Resume& done) {
  if (ctx.identity.authenticated && ctx.identity.has_role(role)) return true;
  ctx.fail(make_problem(ctx.identity.authenticated ? 403 : 401,
                        ctx.identity.authenticated ? "role-required" : "authentication-required",
                        std::string("This endpoint needs role ") + role + "."));
  done(Flow::Stop);
  return false;
}

}  // namespace bronpoort::processing_log
