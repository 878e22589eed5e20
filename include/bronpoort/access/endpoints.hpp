#pragma once
// The access checker's own endpoints, for the router:
//   GET    /v1/purposes                      (no token needed: the register is public)
//   GET    /v1/purposes/{id}                 (no token needed)
//   POST   /v1/access-requests               file a request (data specialist; 201 + Location)
//   GET    /v1/access-requests[?state=]      own organisation's, plus a source admin's datasets
//   GET    /v1/access-requests/{id}
//   POST   /v1/access-requests/{id}/approve  source-admin of the dataset's holder only
//   POST   /v1/access-requests/{id}/reject   source-admin of the dataset's holder only
//   GET    /v1/grants                        own organisation's, plus a source admin's datasets
//   DELETE /v1/grants/{id}                   revoke: the grantee organisation or the holder's admin
//   POST   /v1/access-checks                 dry-run explain, per field, touching no data
// State changes run on the BlockingExecutor (they write the store); reads answer from memory.

#include <bronpoort/access/access_service.hpp>
#include <bronpoort/core/route.hpp>
#include <bronpoort/core/stage.hpp>

#include <memory>
#include <vector>

namespace bronpoort::access {

struct AccessEndpointOptions {
  std::shared_ptr<AccessService> service;
  std::shared_ptr<BlockingExecutor> executor;
  std::size_t max_request_body_bytes = 16384;
};

std::vector<EndpointRoute> make_access_endpoints(const AccessEndpointOptions& options);

}  // namespace bronpoort::access
