#pragma once
// Small pieces the access endpoints share beside the endpoint kit (common/endpoint_kit.hpp): an
// Endpoint made from a function, bounded body parsing, paging, and running store work on the
// blocking executor.

#include <bronpoort/access/access_service.hpp>
#include <bronpoort/common/endpoint_kit.hpp>
#include <bronpoort/core/result.hpp>
#include <bronpoort/core/route.hpp>
#include <bronpoort/core/stage.hpp>

#include <nlohmann/json.hpp>

#include <functional>
#include <memory>
#include <optional>

namespace bronpoort::access::http {

using Handler = std::function<void(RequestContext&, Resume)>;

std::shared_ptr<const Endpoint> endpoint(Handler handler);

// Parses a JSON body no larger than `max_bytes` (its shape is for the endpoint's request schema);
// nullopt with ctx.problem set otherwise.
std::optional<nlohmann::json> read_body(RequestContext& ctx, std::size_t max_bytes,
                                        bool allow_empty);

// One page of a list: `page` from 1, `pageSize` from 1 to kMaxPageSize (default
// kDefaultPageSize). Lists are in the order the items were created.
struct PageRequest {
  static constexpr long long kDefaultPageSize = 50;
  static constexpr long long kMaxPageSize = 200;
  long long page = 1;
  long long page_size = kDefaultPageSize;
};

// Reads page and pageSize from the query: 400 invalid-parameter naming each bad one.
Result<PageRequest> read_page(const RequestContext& ctx);

// Answers 200 with one page of `items` (a JSON array) as {member: [...], page, pageSize, total,
// _links: {self, next?, prev?}}, and the same next/prev in an RFC 8288 Link header.
void respond_page(RequestContext& ctx, const std::string& member, const nlohmann::json& items,
                  const PageRequest& page, Resume& done);

// The path parameter `name` when it looks like an id we issue; nullopt otherwise.
std::optional<std::string> id_param(const RequestContext& ctx, const char* name);

// Runs `work` on the executor and answers from there. Store failures become 503.
void off_io(const std::shared_ptr<BlockingExecutor>& executor, RequestContext& ctx, Resume done,
            std::function<void(RequestContext&, Resume&)> work);

// Renders a Result: the value through `to_json` with `status`, or the problem.
template <typename T, typename ToJson>
void answer(RequestContext& ctx, Result<T> result, int status, ToJson&& to_json, Resume& done) {
  if (auto* p = std::get_if<Problem>(&result)) {
    common::refuse(ctx, std::move(*p), done);
  } else {
    common::respond(ctx, status, to_json(std::get<T>(result)), done);
  }
}

}  // namespace bronpoort::access::http

namespace bronpoort::access {
struct AccessEndpointOptions;
// The access-request and grant endpoints (access_request_endpoints.cpp).
void add_request_endpoints(const AccessEndpointOptions& options, std::vector<EndpointRoute>& out);
}  // namespace bronpoort::access
