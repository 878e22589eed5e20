// bronpoort-demo-source: synthetic source holders (persons, businesses, addresses, sewage
// measurements) over HTTP on loopback, for the demo, the tests and the benchmarks. DEMO ONLY:
// every record is generated from a seed; no real person's data.
//
//   bronpoort-demo-source [--port N] [--address A] [--persons N] [--seed S] [--threads N]
//                         [--fault MODE[:PATH[:DELAY_MS]]]
//   bronpoort-demo-source --debt-cases-sql N [--persons N] [--seed S]
//       prints INSERT statements for the PostgreSQL debt-assistance registry (BSNs of demo persons)

#include "demo_data.hpp"
#include "demo_server.hpp"

#include <cstring>
#include <iostream>
#include <string>

namespace {

int usage() {
  std::cerr << "usage: bronpoort-demo-source [--port N] [--address A] [--persons N] [--seed S]\n"
               "         [--threads N] [--fault MODE[:PATH[:DELAY_MS]]]\n"
               "       bronpoort-demo-source --debt-cases-sql N [--persons N] [--seed S]\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  bronpoort::demo::DemoOptions data_options;
  bronpoort::demo::ServerOptions server_options;
  long long debt_cases = -1;
  try {
    for (int i = 1; i < argc; ++i) {
      std::string arg = argv[i];
      auto next = [&]() -> std::string {
        if (i + 1 >= argc) throw std::invalid_argument(arg + " needs a value");
        return argv[++i];
      };
      if (arg == "--port") {
        server_options.port = static_cast<std::uint16_t>(std::stoi(next()));
      } else if (arg == "--address") {
        server_options.address = next();
      } else if (arg == "--persons") {
        data_options.persons = std::stoull(next());
      } else if (arg == "--seed") {
        data_options.seed = std::stoull(next());
      } else if (arg == "--threads") {
        server_options.threads = std::stoull(next());
      } else if (arg == "--debt-cases-sql") {
        debt_cases = std::stoll(next());
      } else if (arg == "--fault") {
        std::string spec = next();
        auto c1 = spec.find(':');
        server_options.fault.mode = spec.substr(0, c1);
        if (c1 != std::string::npos) {
          auto c2 = spec.find(':', c1 + 1);
          server_options.fault.path =
              spec.substr(c1 + 1, c2 == std::string::npos ? c2 : c2 - c1 - 1);
          if (c2 != std::string::npos)
            server_options.fault.delay_ms = std::stoi(spec.substr(c2 + 1));
        }
      } else {
        return usage();
      }
    }
  } catch (const std::exception& e) {
    std::cerr << "bronpoort-demo-source: " << e.what() << "\n";
    return usage();
  }
  auto data =
      std::make_shared<const bronpoort::demo::DemoData>(bronpoort::demo::generate(data_options));
  if (debt_cases >= 0) {
    std::cout << bronpoort::demo::debt_cases_sql(*data, static_cast<std::size_t>(debt_cases),
                                                 data_options.seed);
    return 0;
  }
  return bronpoort::demo::serve(data, server_options);
}
