#pragma once
// The demo source holders' HTTP server: the four synthetic registries behind their own query API,
// plus fault switches for tests (PUT /_control/fault {"mode", "path", "delayMs"}).

#include "demo_data.hpp"

#include <cstdint>
#include <memory>
#include <string>

namespace bronpoort::demo {

struct Fault {
  // none | slow | garbage | invalid | oversized | error500 | reset | http-garbage
  std::string mode = "none";
  std::string path;  // applies to request paths starting with this; empty: every path
  int delay_ms = 10000;
};

struct ServerOptions {
  std::string address = "127.0.0.1";
  std::uint16_t port = 0;  // 0: any free port
  std::size_t threads = 2;
  Fault fault;
};

// Serves until the process is stopped (SIGINT/SIGTERM). Prints "listening on ADDRESS:PORT" to
// stdout once bound. Returns the process exit code.
int serve(std::shared_ptr<const DemoData> data, const ServerOptions& options);

}  // namespace bronpoort::demo
