// Paging links and the collection body of a data response.
#include <bronpoort/sources/fetch_stage.hpp>

namespace bronpoort::sources {
namespace {

// The same list request for another page: every parameter kept, in order, `page` replaced.
std::string page_href(const RequestContext& ctx, int page) {
  return target_for_page(ctx.request, page);
}

bool has_prev(const RequestContext& ctx) {
  return ctx.query.page > 1;
}

}  // namespace

std::string paging_link_header(const RequestContext& ctx) {
  if (ctx.route.operation != DataOperation::List) return {};
  std::string out;
  if (ctx.result.has_next) out = "<" + page_href(ctx, ctx.query.page + 1) + ">; rel=\"next\"";
  if (has_prev(ctx)) {
    out +=
        (out.empty() ? "" : ", ") + ("<" + page_href(ctx, ctx.query.page - 1) + ">; rel=\"prev\"");
  }
  return out;
}

nlohmann::json data_response_body(const RequestContext& ctx) {
  if (ctx.route.operation == DataOperation::Detail) return ctx.result.body;
  nlohmann::json body;
  body["_embedded"][ctx.route.resource] =
      ctx.result.body.is_array() ? ctx.result.body : nlohmann::json::array();
  body["page"] = ctx.query.page;
  body["pageSize"] = ctx.query.page_size;
  if (ctx.result.total) body["total"] = *ctx.result.total;
  auto& links = body["_links"];
  if (ctx.route.operation == DataOperation::List) {
    links["self"]["href"] = page_href(ctx, ctx.query.page);
    if (ctx.result.has_next) links["next"]["href"] = page_href(ctx, ctx.query.page + 1);
    if (has_prev(ctx)) links["prev"]["href"] = page_href(ctx, ctx.query.page - 1);
  } else {
    // A search is repeated with the same body and another "page"; identifiers stay out of URLs.
    links["self"] = {{"href", ctx.request.path}, {"method", "POST"}, {"page", ctx.query.page}};
    if (ctx.result.has_next) {
      links["next"] = {
          {"href", ctx.request.path}, {"method", "POST"}, {"page", ctx.query.page + 1}};
    }
    if (has_prev(ctx)) {
      links["prev"] = {
          {"href", ctx.request.path}, {"method", "POST"}, {"page", ctx.query.page - 1}};
    }
  }
  return body;
}

}  // namespace bronpoort::sources
