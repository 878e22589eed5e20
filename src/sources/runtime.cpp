#include "http_connector.hpp"
#include "postgres_connector.hpp"

#include <bronpoort/sources/runtime.hpp>

#include <map>
#include <mutex>
#include <set>

namespace bronpoort::sources {

struct SourceRuntime::Impl {
  explicit Impl(RuntimeOptions o) : http(o.http_threads, std::move(o.io_threads)) {}
  HttpClientContext http;  // first: destroyed last, after every HTTP pool using it
  std::mutex mutex;
  std::map<std::string, std::shared_ptr<SourceConnector>> connectors;

  std::shared_ptr<SourceConnector> create(const ConnectorConfig& c) {
    if (c.kind == ConnectorConfig::Kind::Postgres) {
      return std::make_shared<PostgresConnector>(c.postgres);
    }
    return make_http_connector(http, c.http);
  }
};

SourceRuntime::SourceRuntime(RuntimeOptions options) : impl_(std::make_unique<Impl>(options)) {}

SourceRuntime::~SourceRuntime() {
  {
    std::lock_guard lock(impl_->mutex);
    impl_->connectors.clear();
  }
  impl_->http.stop();
}

std::shared_ptr<SourceConnector> SourceRuntime::connector_for(const Resource& resource) {
  std::string key = resource.connector.pool_key();
  std::lock_guard lock(impl_->mutex);
  auto& slot = impl_->connectors[key];
  if (!slot) slot = impl_->create(resource.connector);
  return slot;
}

void SourceRuntime::use_connector(const Resource& resource,
                                  std::shared_ptr<SourceConnector> connector) {
  std::lock_guard lock(impl_->mutex);
  impl_->connectors[resource.connector.pool_key()] = std::move(connector);
}

void SourceRuntime::prepare(const Registry& registry) {
  std::set<std::string> used;
  for (const auto& ds : registry.datasets) {
    for (const auto& res : ds.resources) {
      used.insert(res.connector.pool_key());
      connector_for(res);
    }
  }
  std::vector<std::shared_ptr<SourceConnector>> retired;
  {
    std::lock_guard lock(impl_->mutex);
    for (auto it = impl_->connectors.begin(); it != impl_->connectors.end();) {
      // Only pools nothing refers to any more: a stage of the previous registry may still serve.
      if (used.count(it->first) == 0 && it->second.use_count() == 1) {
        retired.push_back(std::move(it->second));
        it = impl_->connectors.erase(it);
      } else {
        ++it;
      }
    }
  }
  // Destroyed outside the lock: a PostgreSQL pool waits for its queued queries.
  retired.clear();
}

}  // namespace bronpoort::sources
