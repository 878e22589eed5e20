// The JSON bodies of the access endpoints, read as the endpoints read them: the bounded body parse
// (read_body, src/access/endpoint_support.cpp), then the request schema and the strict reader
// (src/access/body_reader.cpp):
//   byte 0 % 4 == 0  POST /v1/access-requests                 read_access_request
//   byte 0 % 4 == 1  POST /v1/access-requests/{id}/approve    read_approval (empty allowed)
//   byte 0 % 4 == 2  POST /v1/access-checks                   read_access_check
//   byte 0 % 4 == 3  POST /v1/access-requests/{id}/reject     read_decision_reason (empty allowed)
// The rest is the body. Any outcome is fine except a crash, a sanitizer report, an exception, a
// refusal other than 400/413 with a code, or an accepted body outside the documented bounds.

#include "body_reader.hpp"       // src/access, internal to the library
#include "endpoint_support.hpp"  // src/access, internal to the library

#include <bronpoort/access/purpose.hpp>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

namespace {

using namespace bronpoort;

constexpr std::size_t kMaxBody = 16384;  // AccessConfig::max_request_body_bytes default

void check_problem(const Problem& p) {
  if ((p.status != 400 && p.status != 413) || p.code.empty()) std::abort();
  if (nlohmann::json::parse(p.to_json("/fuzz", "trace"), nullptr, false).is_discarded()) {
    std::abort();
  }
}

void check_name(const std::string& s, bool may_be_empty) {
  if (s.empty() && may_be_empty) return;
  if (s.empty() || s.size() > 64 || !access::valid_purpose_id(s)) std::abort();
}

void check_fields(const std::vector<std::string>& fields, bool required) {
  if (fields.size() > 200 || (required && fields.empty())) std::abort();
  for (const auto& f : fields) {
    if (f.empty() || f.size() > 64) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const int endpoint = data[0] % 4;
  RequestContext ctx;
  ctx.request.method = "POST";
  ctx.request.body.assign(reinterpret_cast<const char*>(data) + 1, size - 1);
  auto body = access::http::read_body(ctx, kMaxBody, endpoint == 1 || endpoint == 3);
  if (!body) {
    if (!ctx.problem) std::abort();
    check_problem(*ctx.problem);
    return 0;
  }
  if (endpoint == 0) {
    auto r = access::read_access_request(*body);
    if (const auto* p = std::get_if<Problem>(&r)) return check_problem(*p), 0;
    const auto& req = std::get<access::NewAccessRequest>(r);
    check_name(req.role, false);
    check_name(req.purpose_id, false);
    check_name(req.dataset, false);
    check_name(req.resource, false);
    check_fields(req.fields, true);
    if (req.motivation.size() > 4000) std::abort();
  } else if (endpoint == 1) {
    // An accepted approval: a reason within bounds, 1-200 distinct sorted field names, a date.
    auto r = access::read_approval(*body);
    if (const auto* p = std::get_if<Problem>(&r)) return check_problem(*p), 0;
    const auto& a = std::get<access::Approval>(r);
    if (a.reason.size() > 4000) std::abort();
    if (a.fields) {
      check_fields(*a.fields, true);
      if (std::adjacent_find(a.fields->begin(), a.fields->end()) != a.fields->end()) std::abort();
      if (!std::is_sorted(a.fields->begin(), a.fields->end())) std::abort();
    }
    if (a.valid_until) {
      const std::chrono::year_month_day day{*a.valid_until};
      if (!day.ok()) std::abort();
    }
  } else if (endpoint == 3) {
    auto r = access::read_decision_reason(*body);
    if (const auto* p = std::get_if<Problem>(&r)) return check_problem(*p), 0;
    if (std::get<std::string>(r).size() > 4000) std::abort();
  } else {
    auto r = access::read_access_check(*body);
    if (const auto* p = std::get_if<Problem>(&r)) return check_problem(*p), 0;
    const auto& q = std::get<access::AccessCheckQuery>(r);
    if (q.role) check_name(*q.role, false);
    check_name(q.purpose_id, false);
    check_name(q.dataset, false);
    check_name(q.resource, false);
    check_fields(q.fields, false);
  }
  return 0;
}
