// `bronpoort serve` and `bronpoort check-config`.

#include "commands.hpp"

#include <bronpoort/config/gateway_config.hpp>
#include <bronpoort/observability/logging.hpp>
#include <bronpoort/pipeline/gateway_builder.hpp>
#include <bronpoort/server/http_server.hpp>

#include <nlohmann/json.hpp>

#include <sys/resource.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <string>

namespace bronpoort::cli {
namespace {

using observability::Level;
using observability::log_event;

// Reads `--config FILE` (the only option these commands take); default config/gateway.json.
bool parse_config_option(int argc, char** argv, std::string& config) {
  config = "config/gateway.json";
  for (int i = 0; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--config" && i + 1 < argc) {
      config = argv[++i];
    } else if (arg.rfind("--config=", 0) == 0) {
      config = arg.substr(9);
    } else {
      std::fprintf(stderr, "bronpoort: unexpected argument '%s'\n", arg.c_str());
      return false;
    }
  }
  return true;
}

void print_errors(const ConfigErrors& errors) {
  for (const auto& e : errors) std::fprintf(stderr, "%s\n", e.to_string().c_str());
}

// Hands each request to the current pipeline. A reload swaps the pipeline atomically: requests
// already running keep the one they started with (they hold a reference to it).
class GatewayHandler final : public server::RequestHandler {
 public:
  explicit GatewayHandler(std::shared_ptr<const pipeline::Pipeline> p) : current_(std::move(p)) {}
  void handle(std::shared_ptr<RequestContext> ctx, std::function<void()> done) override {
    current_.load()->run(std::move(ctx), std::move(done));
  }
  void replace(std::shared_ptr<const pipeline::Pipeline> p) { current_.store(std::move(p)); }

 private:
  std::atomic<std::shared_ptr<const pipeline::Pipeline>> current_;
};

// Each connection is a descriptor; the usual soft limit of 1024 would cap a gateway far below
// its configured maxConnections, so take what the hard limit allows.
void raise_open_file_limit() {
  rlimit lim{};
  if (getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur < lim.rlim_max) {
    lim.rlim_cur = lim.rlim_max;
    setrlimit(RLIMIT_NOFILE, &lim);
  }
}

}  // namespace

int check_config_command(int argc, char** argv) {
  std::string file;
  if (!parse_config_option(argc, argv, file)) return 2;
  auto loaded = config::load_gateway_config(file);
  ConfigErrors errors = loaded.errors;
  if (loaded.config) {
    auto more = pipeline::check_gateway_config(*loaded.config);
    errors.insert(errors.end(), more.begin(), more.end());
  }
  if (!errors.empty()) {
    print_errors(errors);
    std::fprintf(stderr, "%zu error(s) in %s\n", errors.size(), file.c_str());
    return 1;
  }
  for (const auto& warning : pipeline::gateway_config_warnings(*loaded.config)) {
    std::fprintf(stderr, "warning: %s\n", warning.c_str());
  }
  std::printf("%s: valid\n", file.c_str());
  return 0;
}

int serve_command(int argc, char** argv) {
  std::string file;
  if (!parse_config_option(argc, argv, file)) return 2;
  auto loaded = config::load_gateway_config(file);
  if (!loaded.config) {
    print_errors(loaded.errors);
    return 1;
  }
  const config::GatewayConfig& cfg = *loaded.config;
  observability::init_logging(cfg.server.log_level);
  raise_open_file_limit();

  ConfigErrors start_errors;
  auto services_owner = pipeline::GatewayServices::start(cfg, start_errors);
  if (!services_owner) {
    print_errors(start_errors);
    return 1;
  }
  pipeline::GatewayServices& services = *services_owner;
  for (const auto& warning : pipeline::gateway_config_warnings(cfg)) {
    observability::log_event(observability::Level::Warn, "config-warning", {{"warning", warning}});
  }
  auto built = pipeline::build_gateway(cfg, services);
  if (!built.pipeline) {
    print_errors(built.errors);
    return 1;
  }
  GatewayHandler handler(built.pipeline);
  server::HttpServer server(cfg.server, services.io_threads(), handler, services.blocking(),
                            services.metrics());
  // Signals are taken before the listeners open: whoever sees "listening" may send SIGHUP or
  // SIGTERM at once, and a signal without a handler would end the process.
  server.on_signal([&](int signo) {
    if (signo != SIGHUP) {
      log_event(Level::Info, "shutdown",
                {{"signal", signo}, {"graceMs", cfg.server.shutdown_grace.count()}});
      server.shutdown(cfg.server.shutdown_grace);
      return;
    }
    // Reading files and building stages may block: do it off the I/O threads.
    services.blocking().post([&] {
      auto next = config::load_gateway_config(file);
      ConfigErrors errors = next.errors;
      std::shared_ptr<const pipeline::Pipeline> pipeline;
      if (next.config) {
        auto rebuilt = pipeline::build_gateway(*next.config, services);
        errors = rebuilt.errors;
        pipeline = rebuilt.pipeline;
      }
      if (!pipeline) {
        nlohmann::json reasons = nlohmann::json::array();
        for (const auto& e : errors) reasons.push_back(e.to_string());
        log_event(Level::Error, "reload-rejected",
                  {{"reason", "invalid configuration; the previous one stays in force"},
                   {"errors", reasons}});
        services.metrics().config_reloaded(false);
        return;
      }
      handler.replace(std::move(pipeline));
      services.metrics().config_reloaded(true);
      log_event(Level::Info, "reloaded", {{"config", file}});
    });
  });

  if (auto err = server.listen()) {
    log_event(Level::Error, "listen-failed", {{"reason", *err}});
    return 1;
  }

  log_event(Level::Info, "started", {{"config", file}});
  server.run();
  services.shutdown();
  log_event(Level::Info, "stopped", nlohmann::json::object());
  return 0;
}

}  // namespace bronpoort::cli
