#pragma once
// The interface between the fetch stage and a source holder's system. A connector answers one
// DataQuery for one resource asynchronously and reports upstream faults as problems:
//   502 source-unavailable   upstream unreachable, connection reset (HTTP)
//   503 source-unavailable   database down or no connection (PostgreSQL)
//   503 source-busy          the connector's queue is full
//   504 source-timeout       no answer within the configured time
//   404 record-not-found     Detail: no such record
//   502 source-error         upstream 5xx or SQL error
//   502 source-invalid-response / source-response-too-large
// No exception leaves a connector.

#include <bronpoort/core/data_query.hpp>
#include <bronpoort/core/problem.hpp>
#include <bronpoort/sources/registry.hpp>

#include <nlohmann/json.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace bronpoort::sources {

struct FetchRequest {
  std::shared_ptr<const Registry> registry;  // keeps `resource` alive
  const Resource* resource = nullptr;
  DataQuery query;
  // Fields to return; empty for all. The fetch stage adds the subject field it needs for the
  // processing log, and removes it again afterwards when the caller did not ask for it.
  std::vector<std::string> fields;
  std::string traceparent;  // passed on to HTTP upstreams
};

struct FetchOutcome {
  std::optional<Problem> problem;
  nlohmann::json body;  // Detail: the record object; List/Search: array of records
  std::optional<long long> total;
  bool has_next = false;
};

using FetchDone = std::function<void(FetchOutcome)>;

class SourceConnector {
 public:
  virtual ~SourceConnector() = default;
  // Calls `done` exactly once, from a connector thread or (for immediate refusals) inline.
  virtual void fetch(std::shared_ptr<const FetchRequest> request, FetchDone done) = 0;
};

// Checks one upstream record against the resource: an object whose members are fields of the
// schema with the right JSON types (null only where allowed), with the id field present. `fields`
// limits which members may be present (empty: all fields). Sets `reason` when it does not fit.
bool record_fits(const Resource& resource, const nlohmann::json& record,
                 const std::vector<std::string>& fields, std::string& reason);

}  // namespace bronpoort::sources
