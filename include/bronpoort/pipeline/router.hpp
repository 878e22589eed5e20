#pragma once
// The route table the route stage (route_stage.hpp) matches the gateway's own endpoints against:
// path templates, split paths, and the resolver type through which the sources stage resolves data
// routes (/v1/datasets/{dataset}/{resource}...), so routing knows nothing about registered sources.

#include <bronpoort/core/route.hpp>
#include <bronpoort/core/stage.hpp>

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bronpoort::pipeline {

class RouteTable {
 public:
  // Adds an endpoint; returns an error text for a malformed or duplicate template.
  std::optional<std::string> add(EndpointRoute route);

  struct Match {
    const EndpointRoute* route = nullptr;
    std::map<std::string, std::string> params;
    std::vector<std::string> allowed_methods;  // when the path matched but the method did not
  };
  Match find(std::string_view method, const std::vector<std::string>& segments) const;
  const std::vector<EndpointRoute>& routes() const { return routes_; }

 private:
  std::vector<EndpointRoute> routes_;
  std::vector<std::vector<std::string>> templates_;  // split path templates, same order
};

// Resolves a data route. Called with the decoded path segments (e.g. {"v1","datasets","persons",
// "persons","123"}). Returns false when the path is not a data route at all; otherwise fills
// ctx.route (kind Data) and ctx.query, or sets ctx.problem (unknown dataset, bad filter), and
// returns true.
using DataRouteResolver =
    std::function<bool(const std::vector<std::string>& segments, RequestContext& ctx)>;

// Splits a decoded path into segments; nullopt for paths we never serve (empty segments,
// "." or "..", a trailing slash).
std::optional<std::vector<std::string>> split_path(std::string_view path);

}  // namespace bronpoort::pipeline
