#pragma once
// The route stage: finds what a request is for, from the route table (router.hpp) and the data
// route resolver, and is the one place that refuses a route needing a token when the caller has
// none (401 token-missing, for endpoints and data routes alike).

#include <bronpoort/core/stage.hpp>
#include <bronpoort/pipeline/router.hpp>

namespace bronpoort::pipeline {

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

}  // namespace bronpoort::pipeline
