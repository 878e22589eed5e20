#include "parsed_request.hpp"

namespace bronpoort::server {

bool fill_request(boost::beast::http::request<boost::beast::http::string_body>& req,
                  RequestContext& ctx) {
  for (const auto& field : req) {
    ctx.request.headers.add(std::string(field.name_string()), std::string(field.value()));
  }
  // From a single traceparent header, else a new trace (made once either way).
  const auto& headers = ctx.request.headers;
  ctx.trace = make_trace_context(headers.count("traceparent") == 1 ? headers.find("traceparent")
                                                                   : std::nullopt);
  ctx.request.method = std::string(req.method_string());
  ctx.request.target = std::string(req.target());
  const std::string_view target(req.target().data(), req.target().size());
  const auto qmark = target.find('?');
  const std::string_view raw_path = target.substr(0, qmark);
  if (qmark != std::string_view::npos)
    ctx.request.raw_query = std::string(target.substr(qmark + 1));
  if (raw_path.empty() || raw_path.front() != '/' ||
      !percent_decode(raw_path, ctx.request.path, false) ||
      !parse_query(ctx.request.raw_query, ctx.request.query)) {
    return false;
  }
  ctx.request.body = std::move(req.body());
  return true;
}

}  // namespace bronpoort::server
