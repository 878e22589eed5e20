// Translation between a DataQuery and the upstream's query API, and between the upstream's answer
// and the fetch outcome. The transport is in http_upstream.cpp.
#include "http_connector.hpp"

#include <bronpoort/schema/validator.hpp>

#include <algorithm>

namespace bronpoort::sources {
namespace {

std::string encode_segment(const std::string& s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

Problem invalid_response(const std::string& why) {
  return make_problem(502, "source-invalid-response",
                      "The source holder's system answered with something that does not fit the "
                      "resource's schema (" +
                          why + ").");
}

// Keeps only the selected fields of a record (all when the selection is empty).
void select_fields(nlohmann::json& record, const std::vector<std::string>& fields) {
  if (fields.empty()) return;
  for (auto it = record.begin(); it != record.end();) {
    if (std::find(fields.begin(), fields.end(), it.key()) == fields.end()) {
      it = record.erase(it);
    } else {
      ++it;
    }
  }
}

class HttpConnector final : public SourceConnector {
 public:
  explicit HttpConnector(std::shared_ptr<HttpUpstream> upstream) : upstream_(std::move(upstream)) {}

  void fetch(std::shared_ptr<const FetchRequest> request, FetchDone done) override {
    UpstreamRequest up = upstream_request_for(*request);
    upstream_->exchange(std::move(up), [request, done = std::move(done)](UpstreamResponse r) {
      done(outcome_from_upstream(*request, std::move(r)));
    });
  }

 private:
  std::shared_ptr<HttpUpstream> upstream_;
};

}  // namespace

UpstreamRequest upstream_request_for(const FetchRequest& request) {
  const auto& http = request.resource->connector.http;
  const DataQuery& q = request.query;
  UpstreamRequest up;
  up.traceparent = request.traceparent;
  up.read_timeout = http.read_timeout;
  up.max_response_bytes = http.max_response_bytes;
  if (q.operation == DataOperation::Detail) {
    std::string path = http.detail_path;
    path.replace(path.find("{id}"), 4, encode_segment(q.id));
    up.method = "GET";
    up.target = http.base_path + path;
    return up;
  }
  nlohmann::json body;
  body["filters"] = nlohmann::json::array();
  for (const auto& f : q.filters) {
    body["filters"].push_back(
        {{"field", f.field}, {"op", filter_op_name(f.op)}, {"values", f.values}});
  }
  body["sort"] = nlohmann::json::array();
  for (const auto& s : q.sort)
    body["sort"].push_back({{"field", s.field}, {"descending", s.descending}});
  // The id last, as for PostgreSQL, so both give the same order when sort keys tie.
  bool id_sorted = std::any_of(q.sort.begin(), q.sort.end(), [&](const SortKey& k) {
    return k.field == request.resource->id_field;
  });
  if (!id_sorted)
    body["sort"].push_back({{"field", request.resource->id_field}, {"descending", false}});
  // Whole records: each is validated against the full schema (required members included) before
  // the selection is applied here.
  body["fields"] = nlohmann::json::array();
  body["offset"] = static_cast<long long>(q.page - 1) * q.page_size;
  body["limit"] = q.page_size + 1;  // one more: tells whether another page follows
  body["includeTotal"] = q.include_total;
  up.method = "POST";
  up.target = http.base_path + http.query_path;
  up.body = body.dump();
  return up;
}

FetchOutcome outcome_from_upstream(const FetchRequest& request, UpstreamResponse r) {
  if (r.problem) return std::move(*r.problem);
  const Resource& res = *request.resource;
  bool detail = request.query.operation == DataOperation::Detail;
  if (r.status == 404 && detail) {
    return make_problem(404, "record-not-found", "No record with this id in " + res.id + ".");
  }
  if (r.status != 200) {
    return make_problem(
        502, "source-error",
        "The source holder's system answered HTTP " + std::to_string(r.status) + ".");
  }
  auto body = nlohmann::json::parse(r.body, nullptr, false);
  if (body.is_discarded()) {
    return invalid_response("not JSON");
  }
  std::string reason;
  auto fits = [&](const nlohmann::json& rec) {
    if (!record_fits(res, rec, {}, reason)) return false;
    if (res.compiled_schema && !res.compiled_schema->is_valid(rec)) {
      reason = "a record does not validate against " + res.schema_file;
      return false;
    }
    return true;
  };
  if (detail) {
    if (!fits(body)) {
      return invalid_response(reason);
    }
    select_fields(body, request.fields);
    return FetchedPage{std::move(body), std::nullopt, false};
  }
  if (!body.is_object() || !body.contains("items") || !body["items"].is_array()) {
    return invalid_response("no \"items\" array");
  }
  auto& items = body["items"];
  auto limit = static_cast<std::size_t>(request.query.page_size) + 1;
  if (items.size() > limit) {
    return invalid_response("more records than asked for");
  }
  for (auto& rec : items) {
    if (!fits(rec)) {
      return invalid_response(reason);
    }
  }
  FetchedPage page;
  if (request.query.include_total) {
    auto t = body.find("total");
    if (t == body.end() || !t->is_number_integer() || t->get<long long>() < 0) {
      return invalid_response("no \"total\" although asked for");
    }
    page.total = t->get<long long>();
  }
  page.has_next = items.size() == limit;
  if (page.has_next) items.erase(items.size() - 1);
  // The source sorted ties by the id; with the id withheld they go by its keyed hash instead
  // (records are still whole here, so the id is present whatever the caller selected).
  order_ties_by_key(items, request.query.sort, res.id_field, request.order_key);
  for (auto& rec : items) select_fields(rec, request.fields);
  page.body = std::move(items);
  return page;
}

std::shared_ptr<SourceConnector> make_http_connector(HttpClientContext& context,
                                                     const HttpConnectorConfig& config) {
  return std::make_shared<HttpConnector>(make_http_upstream(context, config));
}

}  // namespace bronpoort::sources
