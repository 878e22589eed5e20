#include "endpoint_support.hpp"

#include "strict_json.hpp"

#include <algorithm>
#include <bronpoort/core/result.hpp>
#include <charconv>

namespace bronpoort::access::http {

std::shared_ptr<const Endpoint> endpoint(Handler handler) {
  return make_endpoint(std::move(handler));
}

std::optional<nlohmann::json> read_body(RequestContext& ctx, std::size_t max_bytes,
                                        bool allow_empty) {
  const auto& body = ctx.request.body;
  if (body.size() > max_bytes) {
    ctx.fail(make_problem(413, "body-too-large",
                          "The request body exceeds " + std::to_string(max_bytes) + " bytes."));
    return std::nullopt;
  }
  if (body.empty() && allow_empty) return nlohmann::json::object();
  auto json = nlohmann::json::parse(body, nullptr, false);
  // Any JSON value passes here; the endpoint's request schema says what shape it must have.
  if (json.is_discarded()) {
    ctx.fail(make_problem(400, "invalid-json", "The request body is not valid JSON."));
    return std::nullopt;
  }
  return json;
}

Result<PageRequest> read_page(const RequestContext& ctx) {
  PageRequest out;
  auto p = make_problem(400, "invalid-parameter", "The paging parameters are not valid.");
  auto read = [&](const char* key, long long max, long long& into) {
    auto text = ctx.request.query_param(key);
    if (!text) return;
    long long v = 0;
    auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), v);
    if (ec != std::errc() || end != text->data() + text->size() || v < 1 || v > max) {
      p.invalid_params.push_back(
          {key, "must be a whole number from 1 to " + std::to_string(max), "invalid-value"});
    } else {
      into = v;
    }
  };
  read("page", 1'000'000, out.page);
  read("pageSize", PageRequest::kMaxPageSize, out.page_size);
  if (!p.invalid_params.empty()) return p;
  return out;
}

void respond_page(RequestContext& ctx, const std::string& member, const nlohmann::json& items,
                  const PageRequest& page, Resume& done) {
  const auto total = static_cast<long long>(items.size());
  const long long first = std::min(total, (page.page - 1) * page.page_size);
  const long long last = std::min(total, first + page.page_size);
  nlohmann::json slice = nlohmann::json::array();
  for (long long i = first; i < last; ++i) slice.push_back(items[static_cast<std::size_t>(i)]);
  nlohmann::json body = {{member, std::move(slice)},
                         {"page", page.page},
                         {"pageSize", page.page_size},
                         {"total", total}};
  auto& links = body["_links"];
  links["self"]["href"] = target_for_page(ctx.request, page.page);
  std::string link_header;
  if (last < total) {
    links["next"]["href"] = target_for_page(ctx.request, page.page + 1);
    link_header = "<" + links["next"]["href"].get<std::string>() + ">; rel=\"next\"";
  }
  if (page.page > 1) {
    links["prev"]["href"] = target_for_page(ctx.request, page.page - 1);
    link_header += (link_header.empty() ? "" : ", ") +
                   ("<" + links["prev"]["href"].get<std::string>() + ">; rel=\"prev\"");
  }
  if (!link_header.empty()) ctx.response.headers.set("Link", link_header);
  common::respond(ctx, 200, body, done);
}

std::optional<std::string> id_param(const RequestContext& ctx, const char* name) {
  auto it = ctx.route.params.find(name);
  if (it == ctx.route.params.end()) return std::nullopt;
  const auto& v = it->second;
  if (v.empty() || v.size() > 80) return std::nullopt;
  bool ok = std::all_of(v.begin(), v.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
  return ok ? std::optional<std::string>(v) : std::nullopt;
}

void off_io(const std::shared_ptr<BlockingExecutor>& executor, RequestContext& ctx, Resume done,
            std::function<void(RequestContext&, Resume&)> work) {
  // The pipeline logs ctx.problem with the trace id; the store's own message is not logged here.
  common::off_io(*executor, ctx, std::move(done), std::move(work),
                 make_problem(503, "store-unavailable",
                              "The access store failed; the change may not have been made. Check "
                              "its state and try again."));
}

}  // namespace bronpoort::access::http
