#include <bronpoort/common/json_reader.hpp>
#include <bronpoort/config/gateway_config.hpp>
#include <bronpoort/config/schema_check.hpp>

#include <fstream>
#include <limits>
#include <sstream>

namespace bronpoort::config {
namespace {

using common::JsonReader;

std::filesystem::path resolve(const std::filesystem::path& base, const std::string& p) {
  std::filesystem::path path(p);
  return path.is_absolute() ? path : base / path;
}

std::optional<TlsConfig> read_tls(const nlohmann::json& j, const std::string& file,
                                  const std::string& ptr, const std::filesystem::path& base,
                                  ConfigErrors& errors) {
  JsonReader r(j, file, ptr, errors);
  TlsConfig tls;
  auto cert = r.string("certificateFile", true);
  auto key = r.string("privateKeyFile", true);
  auto ca = r.string("clientCaFile", false);
  auto require = r.boolean("requireClientCertificate", false);
  r.finish();
  if (cert) tls.certificate_file = resolve(base, *cert);
  if (key) tls.private_key_file = resolve(base, *key);
  if (ca) tls.client_ca_file = resolve(base, *ca);
  tls.require_client_certificate = require.value_or(false);
  if (tls.require_client_certificate && !ca) {
    r.error("requireClientCertificate", "needs clientCaFile to verify client certificates against");
  }
  for (const auto& [name, path] : {std::pair{"certificateFile", tls.certificate_file},
                                   std::pair{"privateKeyFile", tls.private_key_file},
                                   std::pair{"clientCaFile", tls.client_ca_file}}) {
    if (!path.empty() && !std::filesystem::exists(path)) {
      r.error(name, "file not found: " + path.string());
    }
  }
  return tls;
}

void read_limits(const nlohmann::json& j, const std::string& file, Limits& l,
                 ConfigErrors& errors) {
  JsonReader r(j, file, "/server/limits", errors);
  constexpr std::int64_t kMaxMs = 3'600'000;
  if (auto v = r.integer("maxHeaderBytes", false, 1024, 1 << 20)) l.max_header_bytes = *v;
  if (auto v = r.integer("maxBodyBytes", false, 0, 1LL << 30)) l.max_body_bytes = *v;
  if (auto v = r.integer("headerTimeoutMs", false, 100, kMaxMs))
    l.header_timeout = std::chrono::milliseconds(*v);
  if (auto v = r.integer("bodyTimeoutMs", false, 100, kMaxMs))
    l.body_timeout = std::chrono::milliseconds(*v);
  if (auto v = r.integer("idleTimeoutMs", false, 100, kMaxMs))
    l.idle_timeout = std::chrono::milliseconds(*v);
  if (auto v = r.integer("writeTimeoutMs", false, 100, kMaxMs))
    l.write_timeout = std::chrono::milliseconds(*v);
  if (auto v = r.integer("maxConnections", false, 1, 1'000'000)) l.max_connections = *v;
  if (auto v = r.integer("maxConnectionsPerAddress", false, 1, 1'000'000)) {
    l.max_connections_per_address = *v;
  }
  if (auto v = r.integer("maxRequestsPerOrganisation", false, 1, 1'000'000)) {
    l.max_requests_per_organisation = *v;
  }
  if (auto v = r.integer("unauthenticatedPerSecond", false, 1, 1'000'000)) {
    l.unauthenticated_per_second = static_cast<double>(*v);
  }
  if (auto v = r.integer("unauthenticatedBurst", false, 1, 1'000'000)) {
    l.unauthenticated_burst = static_cast<double>(*v);
  }
  r.finish();
}

void read_server(const nlohmann::json& j, const std::string& file,
                 const std::filesystem::path& base, ServerConfig& s, ConfigErrors& errors) {
  JsonReader r(j, file, "/server", errors);
  if (const auto* listeners = r.array("listeners", true)) {
    if (listeners->empty()) r.error("listeners", "needs at least one listener");
    for (std::size_t i = 0; i < listeners->size(); ++i) {
      std::string ptr = "/server/listeners/" + std::to_string(i);
      JsonReader lr((*listeners)[i], file, ptr, errors);
      ListenerConfig l;
      if (auto a = lr.string("address", false)) l.address = *a;
      if (auto p = lr.integer("port", true, 0, 65535)) l.port = static_cast<std::uint16_t>(*p);
      if (const auto* t = lr.object("tls", false)) {
        l.tls = read_tls(*t, file, ptr + "/tls", base, errors);
      }
      lr.finish();
      s.listeners.push_back(std::move(l));
    }
  }
  if (auto v = r.integer("threads", false, 0, 256)) s.threads = static_cast<unsigned>(*v);
  if (auto v = r.integer("blockingThreads", false, 1, 1024))
    s.blocking_threads = static_cast<unsigned>(*v);
  if (auto v = r.integer("shutdownGraceMs", false, 0, 600'000)) {
    s.shutdown_grace = std::chrono::milliseconds(*v);
  }
  if (auto v = r.string("logLevel", false)) {
    if (*v != "debug" && *v != "info" && *v != "warn" && *v != "error") {
      r.error("logLevel", "must be one of debug, info, warn, error");
    } else {
      s.log_level = *v;
    }
  }
  if (const auto* limits = r.object("limits", false)) read_limits(*limits, file, s.limits, errors);
  r.finish();
}

}  // namespace

std::optional<nlohmann::json> read_json_file(const std::filesystem::path& file,
                                             ConfigErrors& errors) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    errors.push_back({file.string(), "", "cannot open file"});
    return std::nullopt;
  }
  std::stringstream buf;
  buf << in.rdbuf();
  try {
    return nlohmann::json::parse(buf.str());
  } catch (const nlohmann::json::parse_error& e) {
    errors.push_back({file.string(), "", std::string("not valid JSON: ") + e.what()});
    return std::nullopt;
  } catch (const nlohmann::json::exception& e) {
    // Not only syntax: a number too large for a double (1e309) is out_of_range. A config error
    // must never escape as an exception (on SIGHUP it would end the running gateway).
    errors.push_back({file.string(), "", std::string("not usable JSON: ") + e.what()});
    return std::nullopt;
  }
}

GatewayConfigResult load_gateway_config(const std::filesystem::path& file) {
  GatewayConfigResult result;
  auto doc = read_json_file(file, result.errors);
  if (!doc) return result;
  // The schema states every key, type and range; the typed reading below then only resolves
  // paths and checks what a schema cannot (files exist, combinations the stages need).
  if (!check_against_schema("gateway.schema.json", *doc, file.string(), result.errors)) {
    return result;
  }
  GatewayConfig cfg;
  cfg.file = file;
  cfg.base_dir = std::filesystem::absolute(file).parent_path();
  const std::string name = file.string();
  JsonReader r(*doc, name, "", result.errors);
  r.any("$schema", false);  // editors use it; we validate against our own schema regardless
  if (const auto* s = r.object("server", true))
    read_server(*s, name, cfg.base_dir, cfg.server, result.errors);
  auto section = [&](const char* key, nlohmann::json& out) {
    if (const auto* v = r.object(key, false)) out = *v;
  };
  section("identity", cfg.identity);
  section("access", cfg.access);
  section("sources", cfg.sources);
  section("processingLog", cfg.processing_log);
  section("store", cfg.store);
  section("catalog", cfg.catalog);
  section("linkage", cfg.linkage);
  section("portal", cfg.portal);
  r.finish();
  if (result.errors.empty()) result.config = std::move(cfg);
  return result;
}

}  // namespace bronpoort::config
