#pragma once
// The route stage: finds what a request is for. The gateway's own endpoints come from a table of
// path templates; data routes (/v1/datasets/{dataset}/{resource}...) are resolved by the sources
// stage through a resolver function, so this file knows nothing about registered sources.

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

class RouteStage final : public SyncStage {
 public:
  RouteStage(RouteTable table, DataRouteResolver data_resolver);
  const char* name() const override { return "route"; }
  // A request refused at authentication (a bad, expired or foreign token) is still routed, without
  // lifting the refusal, so the processing log records the attempt against its dataset.
  bool runs_after_refusal() const override { return true; }
  Flow process(RequestContext& ctx) const override;
  const RouteTable& table() const { return table_; }

 private:
  void name_refused_route(RequestContext& ctx) const;

  RouteTable table_;
  DataRouteResolver data_resolver_;
};

// Answers endpoint routes by calling their Endpoint; data routes pass through.
class EndpointStage final : public Stage {
 public:
  const char* name() const override { return "endpoint"; }
  void run(RequestContext& ctx, Resume resume) const override;
};

}  // namespace bronpoort::pipeline
