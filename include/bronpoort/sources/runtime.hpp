#pragma once
// The long-lived objects behind the connectors: HTTP keep-alive pools (with their I/O threads) and
// PostgreSQL connection pools (with their blocking-work threads). Create one SourceRuntime per
// process, before the first registry, and keep it across config reloads: prepare() reuses every
// pool whose configuration did not change, so a reload neither drops connections nor leaks them.
// Destroy it only after the server has stopped (never from a connector thread).

#include <bronpoort/net/io_threads.hpp>
#include <bronpoort/sources/connector.hpp>
#include <bronpoort/sources/registry.hpp>

#include <cstddef>
#include <memory>

namespace bronpoort::sources {

struct RuntimeOptions {
  // I/O threads of the HTTP upstream pools for calls made from other threads, and for every call
  // when there are no `io_threads`.
  std::size_t http_threads = 1;
  // The server's I/O threads: each gets its own pool per HTTP upstream, so a call made on one of
  // them is sent, answered and continued on that thread (sources/http_upstream.cpp).
  std::shared_ptr<net::IoThreads> io_threads;
};

class SourceRuntime {
 public:
  explicit SourceRuntime(RuntimeOptions options = {});
  ~SourceRuntime();
  SourceRuntime(const SourceRuntime&) = delete;
  SourceRuntime& operator=(const SourceRuntime&) = delete;

  // Creates the connectors `registry` needs, reusing pools with an unchanged ConnectorConfig
  // pool_key, and drops pools no registry uses any more (once no stage holds them).
  void prepare(const Registry& registry);
  // The connector for `resource`; created on first use if prepare() did not see it.
  std::shared_ptr<SourceConnector> connector_for(const Resource& resource);

  // Serves every resource with `resource`'s connector configuration through `connector` instead
  // (for embedders with a connector of their own, and for tests of the fetch stage's guarantees).
  // Takes effect for fetch stages built afterwards.
  void use_connector(const Resource& resource, std::shared_ptr<SourceConnector> connector);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace bronpoort::sources
