#include <bronpoort/sources/data_route.hpp>

namespace bronpoort::sources {

DataRouteResolution resolve_data_route(const Registry& registry,
                                       const std::vector<std::string>& segments,
                                       const std::string& method) {
  if (segments.size() < 4 || segments.size() > 5 || segments[0] != "v1" ||
      segments[1] != "datasets") {
    return std::optional<RouteMatch>{};
  }
  const Dataset* ds = registry.dataset(segments[2]);
  if (ds == nullptr) {
    return make_problem(404, "dataset-not-found",
                        "No dataset \"" + segments[2] + "\"; GET /v1/datasets lists them.");
  }
  const Resource* res = ds->resource(segments[3]);
  if (res == nullptr) {
    return make_problem(404, "resource-not-found",
                        "Dataset \"" + ds->id + "\" has no resource \"" + segments[3] +
                            "\"; GET /v1/datasets/" + ds->id + " lists its resources.");
  }
  RouteMatch m;
  m.kind = RouteKind::Data;
  m.auth = AuthRequirement::Required;
  m.dataset = ds->id;
  m.resource = res->id;
  m.params["dataset"] = ds->id;
  m.params["resource"] = res->id;
  m.id_field = res->id_field;
  if (res->subject) {
    m.subject_field = res->subject->field;
    m.subject_type = res->subject->type;
  }
  m.owner_organisation = registry.organisation_of(*ds).oin;
  std::string expected;
  if (segments.size() == 4) {
    m.operation = DataOperation::List;
    m.name = "/v1/datasets/{dataset}/{resource}";
    expected = "GET";
  } else if (segments[4] == "search") {
    m.operation = DataOperation::Search;
    m.name = "/v1/datasets/{dataset}/{resource}/search";
    expected = "POST";
  } else {
    m.operation = DataOperation::Detail;
    m.name = "/v1/datasets/{dataset}/{resource}/{id}";
    m.params["id"] = segments[4];
    expected = "GET";
  }
  if (method != expected) {
    return make_problem(405, "method-not-allowed", m.name + " accepts " + expected + " only.");
  }
  return m;
}

}  // namespace bronpoort::sources

#include <bronpoort/sources/query_parser.hpp>

namespace bronpoort::sources {

std::function<bool(const std::vector<std::string>&, RequestContext&)> make_data_route_resolver(
    std::shared_ptr<const Registry> registry) {
  return [registry = std::move(registry)](const std::vector<std::string>& segments,
                                          RequestContext& ctx) {
    auto resolved = resolve_data_route(*registry, segments, ctx.request.method);
    if (!resolved.ok()) {
      ctx.fail(std::move(resolved).error());
      return true;
    }
    if (!resolved.value()) return false;
    ctx.route = std::move(*resolved.value());
    // Every data route needs a token. Without a verified identity the router answers 401 before
    // a byte of the query or body is parsed: an anonymous caller gets nothing to amplify.
    if (!ctx.identity.authenticated) return true;
    const Resource* res = registry->dataset(ctx.route.dataset)->resource(ctx.route.resource);
    auto id = ctx.route.params.count("id") ? ctx.route.params.at("id") : std::string();
    auto parsed = parse_data_query(*res, ctx.request, ctx.route.operation, id);
    if (auto* problem = std::get_if<Problem>(&parsed)) {
      ctx.fail(std::move(*problem));
    } else {
      ctx.query = std::move(std::get<DataQuery>(parsed));
    }
    return true;
  };
}

}  // namespace bronpoort::sources
