#pragma once
// config/gateway.json: listeners, limits and the sections each stage reads for itself.

#include <bronpoort/core/config_error.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace bronpoort::config {

struct TlsConfig {
  std::filesystem::path certificate_file;   // PEM chain
  std::filesystem::path private_key_file;   // PEM
  std::filesystem::path client_ca_file;     // PEM bundle; enables client certificate checks
  bool require_client_certificate = false;  // mutual TLS: refuse handshakes without one
};

struct ListenerConfig {
  std::string address = "127.0.0.1";
  std::uint16_t port = 8080;  // 0 picks a free port (tests)
  std::optional<TlsConfig> tls;
};

struct Limits {
  std::size_t max_header_bytes = 16 * 1024;          // larger: 431
  std::size_t max_body_bytes = 1024 * 1024;          // larger: 413
  std::chrono::milliseconds header_timeout{10'000};  // whole header must arrive in time: 408
  std::chrono::milliseconds body_timeout{30'000};
  std::chrono::milliseconds idle_timeout{60'000};  // keep-alive wait for the next request
  std::chrono::milliseconds write_timeout{30'000};
  std::size_t max_connections = 10'000;
  // Open connections from one client address. Behind a load balancer every connection comes from
  // its address: raise this there (or set it to maxConnections).
  std::size_t max_connections_per_address = 1'024;
  std::size_t max_requests_per_organisation = 256;  // concurrent; more: 429
  // Requests refused for want of a valid token (401), per client address: a sustained rate and a
  // burst; past them 429 and no access-log line each.
  double unauthenticated_per_second = 50;
  double unauthenticated_burst = 200;

  // The shortest of the connection timeouts: how far ahead a connection's timer is set.
  std::chrono::milliseconds shortest_timeout() const {
    return std::min({header_timeout, body_timeout, idle_timeout, write_timeout});
  }
};

struct ServerConfig {
  std::vector<ListenerConfig> listeners;
  unsigned threads = 0;  // I/O threads; 0 means one per core
  unsigned blocking_threads = 8;
  Limits limits;
  std::chrono::milliseconds shutdown_grace{10'000};
  std::string log_level = "info";
};

struct GatewayConfig {
  std::filesystem::path file;      // the gateway.json that was loaded
  std::filesystem::path base_dir;  // relative paths in every section resolve against this
  ServerConfig server;
  // Sections owned by other stages, checked by their own loaders.
  nlohmann::json identity = nlohmann::json::object();
  nlohmann::json access = nlohmann::json::object();
  nlohmann::json sources = nlohmann::json::object();
  nlohmann::json processing_log = nlohmann::json::object();
  nlohmann::json store = nlohmann::json::object();
  nlohmann::json catalog = nlohmann::json::object();
  nlohmann::json linkage = nlohmann::json::object();  // the trusted third party
  nlohmann::json portal = nlohmann::json::object();   // the web interface under /portal/
};

struct GatewayConfigResult {
  std::optional<GatewayConfig> config;
  ConfigErrors errors;
};

// Reads and checks gateway.json. Parse errors name the byte offset; every problem is collected.
GatewayConfigResult load_gateway_config(const std::filesystem::path& file);

// Parses a JSON file; on failure appends an error naming the file and the parser's reason.
std::optional<nlohmann::json> read_json_file(const std::filesystem::path& file,
                                             ConfigErrors& errors);

}  // namespace bronpoort::config
