#pragma once
// Where a request goes: a data resource of a registered source, or one of the gateway's own
// endpoints (catalog, purposes, access requests, processing log, operations).

#include <bronpoort/core/data_query.hpp>

#include <map>
#include <memory>
#include <string>

namespace bronpoort {

class Endpoint;

enum class RouteKind { None, Data, Endpoint };
enum class AuthRequirement { None, Optional, Required };

struct RouteMatch {
  RouteKind kind = RouteKind::None;
  std::string
      name;  // route template for metrics and logs, e.g. "/v1/datasets/{dataset}/{resource}"
  std::map<std::string, std::string> params;  // path parameters
  AuthRequirement auth = AuthRequirement::Required;
  // For Data routes.
  std::string dataset;
  std::string resource;
  DataOperation operation = DataOperation::List;
  std::string id_field;            // the resource's identifier field
  std::string subject_field;       // field holding a data subject's identifier; empty if none
  std::string subject_type;        // its type, e.g. "BSN"
  std::string owner_organisation;  // OIN of the source holder that owns the dataset
  // For Endpoint routes; owned by the pipeline, which outlives the request.
  const Endpoint* endpoint = nullptr;
};

}  // namespace bronpoort

namespace bronpoort {

// One of the gateway's own endpoints as a stage library offers it to the router, e.g.
// {"POST", "/v1/access-requests/{id}/approve", AuthRequirement::Required, endpoint}.
// Path templates are kebab-case segments and {name} parameters, matched whole-segment.
struct EndpointRoute {
  std::string method;
  std::string path_template;
  AuthRequirement auth = AuthRequirement::Required;
  std::shared_ptr<const Endpoint> endpoint;
};

}  // namespace bronpoort
