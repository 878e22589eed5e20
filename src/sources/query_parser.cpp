// Reads a DataQuery from the query string (list, detail) or the JSON body (search).
#include "config_reader.hpp"
#include "query_builder.hpp"

#include <bronpoort/schema/bundled.hpp>
#include <bronpoort/sources/query_parser.hpp>

#include <charconv>
#include <set>

namespace bronpoort::sources {
namespace {

std::vector<std::string> split_commas(const std::string& s) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (true) {
    auto comma = s.find(',', start);
    out.push_back(s.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

std::optional<long long> parse_count(const std::string& s) {
  long long v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

// A query key names a field, or a field plus an operator suffix ("birthDateGte").
struct KeyMatch {
  std::string field;
  FilterOp op = FilterOp::Eq;
};

std::optional<KeyMatch> match_filter_key(const Resource& res, const std::string& key) {
  if (res.field(key) != nullptr) return KeyMatch{key, FilterOp::Eq};
  for (FilterOp op : {FilterOp::StartsWith, FilterOp::Gte, FilterOp::Lte, FilterOp::Gt,
                      FilterOp::Lt, FilterOp::In}) {
    std::string suffix = filter_op_suffix(op);
    if (key.size() > suffix.size() &&
        key.compare(key.size() - suffix.size(), suffix.size(), suffix) == 0) {
      std::string field = key.substr(0, key.size() - suffix.size());
      if (res.field(field) != nullptr) return KeyMatch{field, op};
    }
  }
  return std::nullopt;
}

void read_query_filter(QueryBuilder& b, const std::string& key, const std::string& value) {
  auto match = match_filter_key(b.resource(), key);
  if (!match) {
    b.invalid(key, "unknown-parameter",
              "neither a field of " + b.resource().id +
                  " (optionally with Gt, Gte, Lt, Lte, StartsWith or In) nor one of page, "
                  "pageSize, sort, fields, includeTotal");
    return;
  }
  const Field* f = b.resource().field(match->field);
  if (b.resource().sensitive_in_uri(*f)) return b.sensitive(key, f->name);
  f = b.filter_field(key, match->field, match->op);
  if (f == nullptr) return;
  std::vector<nlohmann::json> values;
  auto texts = match->op == FilterOp::In ? split_commas(value) : std::vector<std::string>{value};
  for (const auto& t : texts) {
    std::string reason;
    auto v = typed_value(*f, t, reason);
    if (!v) return b.invalid(key, "invalid-value", "\"" + t + "\" " + reason);
    values.push_back(std::move(*v));
  }
  b.add_filter(key, *f, match->op, std::move(values));
}

void read_query_string(QueryBuilder& b, const HttpRequest& req, bool filters_allowed) {
  std::set<std::string> seen;
  for (const auto& [key, value] : req.query) {
    if (!seen.insert(key).second) {
      b.invalid(key, "duplicate-parameter", "given more than once; use the In operator for a list");
      continue;
    }
    if (key == "fields") {
      for (const auto& name : split_commas(value)) b.add_field(key, name);
    } else if (!filters_allowed) {
      b.invalid(key, "unknown-parameter", "only \"fields\" applies to a single record");
    } else if (key == "sort") {
      for (const auto& k : split_commas(value)) b.add_sort(key, k);
    } else if (key == "page" || key == "pageSize") {
      auto n = parse_count(value);
      if (!n) {
        b.invalid(key, "invalid-value", "must be a positive integer");
      } else if (key == "page") {
        b.set_page(key, *n);
      } else {
        b.set_page_size(key, *n);
      }
    } else if (key == "includeTotal") {
      if (value != "true" && value != "false") {
        b.invalid(key, "invalid-value", "must be true or false");
      } else {
        b.set_include_total(value == "true");
      }
    } else {
      read_query_filter(b, key, value);
    }
  }
}

void read_body_filters(QueryBuilder& b, const nlohmann::json& filters) {
  if (!filters.is_object()) {
    return b.invalid("/filters", "invalid-value",
                     "must be an object: {\"field\": {\"eq\": value, \"gte\": value, ...}}");
  }
  for (const auto& [name, conditions] : filters.items()) {
    std::string ptr = "/filters/" + pointer_token(name);
    if (!conditions.is_object() || conditions.empty()) {
      b.invalid(ptr, "invalid-value", "must be an object of operators, e.g. {\"eq\": value}");
      continue;
    }
    for (const auto& [op_name, operand] : conditions.items()) {
      std::string op_ptr = ptr + "/" + pointer_token(op_name);
      auto op = filter_op_from_name(op_name);
      if (!op) {
        b.invalid(op_ptr, "unknown-operator",
                  "operators are eq, gt, gte, lt, lte, startsWith and in");
        continue;
      }
      const Field* f = b.filter_field(op_ptr, name, *op);
      if (f == nullptr) continue;
      std::vector<nlohmann::json> values;
      if (*op == FilterOp::In) {
        if (!operand.is_array()) {
          b.invalid(op_ptr, "invalid-value", "must be an array of values");
          continue;
        }
        values.assign(operand.begin(), operand.end());
      } else {
        values.push_back(operand);
      }
      bool ok = true;
      for (std::size_t i = 0; i < values.size() && ok; ++i) {
        std::string reason;
        if (!value_fits(*f, values[i], reason)) {
          b.invalid(*op == FilterOp::In ? op_ptr + "/" + std::to_string(i) : op_ptr,
                    "invalid-value", reason);
          ok = false;
        }
      }
      if (ok) b.add_filter(op_ptr, *f, *op, std::move(values));
    }
  }
}

template <typename Fn>
void read_string_array(QueryBuilder& b, const nlohmann::json& arr, const std::string& ptr, Fn fn) {
  if (!arr.is_array()) return b.invalid(ptr, "invalid-value", "must be an array of strings");
  for (std::size_t i = 0; i < arr.size(); ++i) {
    if (!arr[i].is_string()) {
      b.invalid(ptr + "/" + std::to_string(i), "invalid-value", "must be a string");
    } else {
      fn(ptr + "/" + std::to_string(i), arr[i].get<std::string>());
    }
  }
}

void read_search_body(QueryBuilder& b, const nlohmann::json& body) {
  for (const auto& [key, value] : body.items()) {
    std::string ptr = "/" + key;
    if (key == "filters") {
      read_body_filters(b, value);
    } else if (key == "sort") {
      read_string_array(b, value, ptr,
                        [&](const std::string& p, const std::string& s) { b.add_sort(p, s); });
    } else if (key == "fields") {
      read_string_array(b, value, ptr,
                        [&](const std::string& p, const std::string& s) { b.add_field(p, s); });
    } else if (key == "page" || key == "pageSize") {
      if (!value.is_number_integer()) {
        b.invalid(ptr, "invalid-value", "must be a positive integer");
      } else if (key == "page") {
        b.set_page(ptr, value.get<long long>());
      } else {
        b.set_page_size(ptr, value.get<long long>());
      }
    } else if (key == "includeTotal") {
      if (!value.is_boolean()) {
        b.invalid(ptr, "invalid-value", "must be true or false");
      } else {
        b.set_include_total(value.get<bool>());
      }
    } else {
      b.invalid(ptr, "unknown-member",
                "a search body has filters, sort, fields, page, pageSize and includeTotal");
    }
  }
}

}  // namespace

QueryParse parse_data_query(const Resource& resource, const HttpRequest& request,
                            DataOperation operation, const std::string& id) {
  QueryBuilder b(resource, operation);
  switch (operation) {
    case DataOperation::List:
      read_query_string(b, request, true);
      break;
    case DataOperation::Detail: {
      const Field* idf = resource.field(resource.id_field);
      if (idf != nullptr && resource.sensitive_in_uri(*idf)) {
        b.sensitive("id", idf->name);
      } else if (idf != nullptr) {
        std::string reason;
        if (auto v = typed_value(*idf, id, reason)) {
          b.set_id(*v);
        } else {
          b.invalid("id", "invalid-value", "\"" + id + "\" " + reason);
        }
      }
      read_query_string(b, request, false);
      break;
    }
    case DataOperation::Search: {
      for (const auto& [key, value] : request.query) {
        b.invalid(key, "unknown-parameter", "a search takes everything from its JSON body");
      }
      auto body = nlohmann::json::parse(request.body, nullptr, false);
      if (body.is_discarded()) {
        return make_problem(400, "invalid-body",
                            "The search body must be a JSON object such as {\"filters\": "
                            "{\"bsn\": {\"eq\": \"123456782\"}}, \"pageSize\": 20}.");
      }
      // The resource's search schema first: every violation in one answer, before any source is
      // involved. The typed reading below stays as the second line of defence.
      if (resource.search_schema) {
        if (auto problem = schema::check_request_body(*resource.search_schema, body, "search")) {
          return std::move(*problem);
        }
      }
      if (!body.is_object()) return make_problem(400, "invalid-body", "must be a JSON object");
      read_search_body(b, body);
      break;
    }
  }
  return b.finish();
}

}  // namespace bronpoort::sources
