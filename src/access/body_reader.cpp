#include "body_reader.hpp"

#include <bronpoort/common/time.hpp>
#include "strict_json.hpp"

#include <bronpoort/core/result.hpp>
#include <bronpoort/schema/bundled.hpp>

#include <algorithm>
#include <utility>

namespace bronpoort::access {

namespace {

constexpr std::size_t kMaxName = 64;
constexpr std::size_t kMaxMotivation = 4000;
constexpr std::size_t kMaxFields = 200;

Problem to_problem(const ConfigErrors& errors, const char* what) {
  auto p = make_problem(400, "invalid-body",
                        std::string("The ") + what + " body is not valid; see invalidParams.");
  for (const auto& e : errors) p.invalid_params.push_back({e.pointer, e.reason, "invalid"});
  return p;
}

std::string name(StrictObject& o, const char* key, bool required) {
  auto v = o.string(key, required);
  if (!v) return {};
  if (v->size() > kMaxName || !valid_purpose_id(*v)) {
    o.error(o.at(key), "must be a kebab-case name of at most 64 characters");
    return {};
  }
  return *v;
}

std::vector<std::string> fields(StrictObject& o, bool required) {
  std::vector<std::string> out;
  const auto* v = o.member("fields", required);
  if (!v) return out;
  if (!v->is_array() || v->size() > kMaxFields || (required && v->empty())) {
    o.error(o.at("fields"), "must be an array of 1 to 200 field names");
    return out;
  }
  for (std::size_t i = 0; i < v->size(); ++i) {
    const auto& f = (*v)[i];
    if (!f.is_string() || f.get<std::string>().empty() || f.get<std::string>().size() > kMaxName) {
      o.error(o.at("fields") + "/" + std::to_string(i), "must be a field name");
    } else {
      out.push_back(f.get<std::string>());
    }
  }
  return out;
}

// The optional `reason` of a decision, at most 4000 characters.
std::string decision_reason(StrictObject& o) {
  auto r = o.string("reason", false, false);
  if (!r) return {};
  if (r->size() > kMaxMotivation) {
    o.error("/reason", "must be at most 4000 characters");
    return {};
  }
  return *r;
}

// Checks `body` against `schema`, then reads it as a strict object with `read`; whatever either
// finds wrong is one 400 invalid-body problem about the `what`.
template <class Read>
auto read_body(const schema::CompiledSchema& schema, const nlohmann::json& body, const char* what,
               Read read) -> Result<decltype(read(std::declval<StrictObject&>()))> {
  if (auto problem = schema::check_request_body(schema, body, what)) return *problem;
  ConfigErrors errors;
  const std::string file = "body";
  StrictObject o(body, "", file, errors);
  auto value = read(o);
  if (!errors.empty()) return to_problem(errors, what);
  return value;
}

}  // namespace

Result<NewAccessRequest> read_access_request(const nlohmann::json& body) {
  static const auto& schema = schema::bundled_schema("requests/access-request.schema.json");
  return read_body(schema, body, "access request", [](StrictObject& o) {
    NewAccessRequest r;
    o.reject_unknown({"role", "purpose", "dataset", "resource", "fields", "motivation"});
    r.role = name(o, "role", true);
    r.purpose_id = name(o, "purpose", true);
    r.dataset = name(o, "dataset", true);
    r.resource = name(o, "resource", true);
    r.fields = fields(o, true);
    if (auto m = o.string("motivation", true)) {
      if (m->size() > kMaxMotivation) {
        o.error("/motivation", "must be at most 4000 characters");
      } else {
        r.motivation = *m;
      }
    }
    return r;
  });
}

Result<std::string> read_decision_reason(const nlohmann::json& body) {
  static const auto& schema = schema::bundled_schema("requests/access-decision.schema.json");
  return read_body(schema, body, "decision", [](StrictObject& o) {
    o.reject_unknown({"reason"});
    return decision_reason(o);
  });
}

Result<Approval> read_approval(const nlohmann::json& body) {
  static const auto& schema = schema::bundled_schema("requests/access-approval.schema.json");
  return read_body(schema, body, "approval", [](StrictObject& o) {
    o.reject_unknown({"reason", "fields", "validUntil"});
    Approval a;
    a.reason = decision_reason(o);
    if (o.member("fields", false)) {
      auto chosen = fields(o, true);
      std::sort(chosen.begin(), chosen.end());
      if (std::adjacent_find(chosen.begin(), chosen.end()) != chosen.end()) {
        o.error("/fields", "names a field twice");
      }
      a.fields = std::move(chosen);
    }
    if (auto d = o.string("validUntil", false)) {
      a.valid_until = common::parse_date(*d);
      if (!a.valid_until) o.error("/validUntil", "must be a date, YYYY-MM-DD");
    }
    return a;
  });
}

Result<AccessCheckQuery> read_access_check(const nlohmann::json& body) {
  static const auto& schema = schema::bundled_schema("requests/access-check.schema.json");
  return read_body(schema, body, "access check", [](StrictObject& o) {
    AccessCheckQuery q;
    o.reject_unknown({"role", "purpose", "dataset", "resource", "fields"});
    if (o.member("role", false)) q.role = name(o, "role", false);
    q.purpose_id = name(o, "purpose", true);
    q.dataset = name(o, "dataset", true);
    q.resource = name(o, "resource", true);
    q.fields = fields(o, false);
    return q;
  });
}

}  // namespace bronpoort::access
