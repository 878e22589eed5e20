#pragma once
// The HTTP connector: a source holder's own REST API as the upstream. Internal to the sources
// library; Beast and Asio stay in the .cpp files.
//
// Upstream protocol (what a source holder implements, and the demo source serves):
//   POST {queryPath}  body {"filters": [{"field", "op", "values"}], "sort": [{"field",
//                     "descending"}], "fields": [...], "offset": n, "limit": n, "includeTotal": b}
//                     -> 200 {"items": [records], "total": n (when asked)}
//   GET  {detailPath} with {id} percent-encoded -> 200 record | 404
// Identifiers travel in the POST body, never in the upstream URL, as towards the gateway.

#include <bronpoort/net/io_threads.hpp>
#include <bronpoort/sources/connector.hpp>

#include <cstddef>
#include <memory>
#include <string>

namespace bronpoort::sources {

// The I/O threads the HTTP upstream pools run on: threads of their own, and the server's I/O
// threads when there are any (`io_threads`).
class HttpClientContext {
 public:
  explicit HttpClientContext(std::size_t threads,
                             std::shared_ptr<net::IoThreads> io_threads = nullptr);
  ~HttpClientContext();
  void stop();
  void* io();  // boost::asio::io_context*, typed in the .cpp files
  const std::shared_ptr<net::IoThreads>& io_threads() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// One upstream exchange as the connector sees it, without Beast.
struct UpstreamRequest {
  std::string method;  // GET or POST
  std::string target;  // path and query
  std::string body;    // JSON, for POST
  std::string traceparent;
  std::chrono::milliseconds read_timeout{5000};
  std::size_t max_response_bytes = 0;
};

struct UpstreamResponse {
  std::optional<Problem> problem;  // transport fault, already mapped to 502/504
  int status = 0;
  std::string body;
};

using UpstreamDone = std::function<void(UpstreamResponse)>;

// The bytes of `request` as sent to the source at `host_port` (keep-alive HTTP/1.1, JSON
// accepted, the body with its Content-Type and Content-Length for POST), written without Beast's
// serializer: byte for byte what Beast wrote for the same message (tested), for less CPU per
// exchange (docs/performance.md).
std::string upstream_request_bytes(const UpstreamRequest& request, const std::string& host_port);

// A keep-alive connection pool to one upstream (host, port, TLS).
class HttpUpstream {
 public:
  virtual ~HttpUpstream() = default;
  virtual void exchange(UpstreamRequest request, UpstreamDone done) = 0;
};

std::shared_ptr<HttpUpstream> make_http_upstream(HttpClientContext& context,
                                                 const HttpConnectorConfig& config);

std::shared_ptr<SourceConnector> make_http_connector(HttpClientContext& context,
                                                     const HttpConnectorConfig& config);

// The upstream request for `request` (exposed for tests).
UpstreamRequest upstream_request_for(const FetchRequest& request);
// Maps the upstream's answer to the fetch outcome (exposed for tests).
FetchOutcome outcome_from_upstream(const FetchRequest& request, UpstreamResponse response);

}  // namespace bronpoort::sources
