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
#include <bronpoort/core/result.hpp>
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
  // Set when the resource's id is not released to this caller: records that tie on the caller's
  // sort keys are then ordered by a keyed hash of their id (keyed_order_value) instead of by the
  // id itself, so the order does not tell how the withheld ids compare. The key depends on the
  // organisation, purpose and resource, and stays the same across pages and restarts, so paging
  // stays stable. Empty: ties are ordered by the id.
  std::string order_key;
};

// The value records are ordered by when FetchRequest::order_key is set: HMAC-SHA256(key, id) in
// lower-case hex. PostgreSQL resources order by md5(key || id) in SQL instead (no extension
// needed there); either way the order is fixed by the key and unpredictable without it.
std::string keyed_order_value(const std::string& key, const std::string& id);

// For sources that sort by the id themselves (HTTP): reorders each run of consecutive `items`
// that are equal on `sort` by keyed_order_value of their `id_field`. Nothing happens with an
// empty key. The page's contents stay what the source chose; only the order within it changes.
void order_ties_by_key(nlohmann::json& items, const std::vector<SortKey>& sort,
                       const std::string& id_field, const std::string& key);

// What a source answered for one query.
struct FetchedPage {
  nlohmann::json body;  // Detail: the record object; List/Search: array of records
  std::optional<long long> total;
  bool has_next = false;
};

// The page, or the problem the caller is answered with (core/result.hpp's rule).
using FetchOutcome = Result<FetchedPage>;

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
