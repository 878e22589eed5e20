#pragma once
// Resolves /v1/datasets/{dataset}/{resource}[/{id}|/search] against the registry for the router.

#include <bronpoort/core/problem.hpp>
#include <bronpoort/core/result.hpp>
#include <bronpoort/core/route.hpp>
#include <bronpoort/sources/registry.hpp>

#include <optional>
#include <string>
#include <vector>

namespace bronpoort::sources {

// nullopt:    not a data path (e.g. /v1/datasets or /v1/datasets/{dataset}, the catalog's);
// RouteMatch: a data route, with dataset, resource, operation, id_field, subject_field,
//             subject_type, owner_organisation, name and params filled (params["id"] for Detail);
// Problem:    404 `dataset-not-found` / `resource-not-found`, or 405 `method-not-allowed`.
using DataRouteResolution = Result<std::optional<RouteMatch>>;

// `segments` are the percent-decoded path segments, e.g. {"v1", "datasets", "persons",
// "persons", "search"}; `method` is upper case.
DataRouteResolution resolve_data_route(const Registry& registry,
                                       const std::vector<std::string>& segments,
                                       const std::string& method);

}  // namespace bronpoort::sources

#include <bronpoort/core/request_context.hpp>

#include <functional>
#include <memory>

namespace bronpoort::sources {

// The router's data-route resolver (pipeline::DataRouteResolver has this signature): resolves
// the route and parses the query (parse_data_query) into ctx.route and ctx.query, or sets
// ctx.problem (404 unknown dataset/resource, 405, 400 bad query / sensitive-in-uri). Returns
// false when the path is not a data route. Build one per registry.
std::function<bool(const std::vector<std::string>&, RequestContext&)> make_data_route_resolver(
    std::shared_ptr<const Registry> registry);

}  // namespace bronpoort::sources
