// bronpoort: the gateway and its tools.

#include "commands.hpp"

#include <bronpoort/authenticate/demo_token.hpp>
#include <bronpoort/core/api_version.hpp>
#include <bronpoort/pipeline/catalog_input.hpp>
#include <bronpoort/processing_log/receipt_command.hpp>
#include <bronpoort/processing_log/verify_command.hpp>
#include <bronpoort/processing_log/witness.hpp>
#include <bronpoort/schema/validate_command.hpp>

#include <cstdio>
#include <cstring>
#include <string_view>

namespace {

void usage() {
  std::fprintf(
      stderr,
      "usage: bronpoort <command> [options]\n"
      "  serve [--config FILE]          run the gateway (default config/gateway.json)\n"
      "  check-config [--config FILE]   check a configuration; exit 0 when valid\n"
      "  token --config FILE --sub S --org OIN --role R [--purpose P] [--bsn B] [--ttl SEC]\n"
      "                                 issue a token with the DEMO issuer key (demo only)\n"
      "  openapi [--config FILE]        print the OpenAPI document for a configuration\n"
      "  verify-log --config FILE [--json]  verify the processing log (and ask its witnesses)\n"
      "  verify-receipt --receipt H --checkpoint F --proof F --log-key PEM\n"
      "                                 check a Processing-Log-Receipt against a checkpoint\n"
      "  witness --config FILE          run a witness that cosigns log checkpoints\n"
      "  version                        print the API version\n");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    usage();
    return 2;
  }
  std::string_view cmd = argv[1];
  int sub_argc = argc - 2;
  char** sub_argv = argv + 2;
  if (cmd == "serve") return bronpoort::cli::serve_command(sub_argc, sub_argv);
  if (cmd == "check-config") return bronpoort::cli::check_config_command(sub_argc, sub_argv);
  if (cmd == "token") return bronpoort::authenticate::run_token_command(sub_argc, sub_argv);
  if (cmd == "openapi") return bronpoort::pipeline::run_openapi_command(sub_argc, sub_argv);
  if (cmd == "validate") return bronpoort::schema::run_validate_command(sub_argc, sub_argv);
  if (cmd == "verify-log")
    return bronpoort::processing_log::run_verify_log_command(argc - 1, argv + 1);
  if (cmd == "verify-receipt") {
    return bronpoort::processing_log::run_verify_receipt_command(argc - 1, argv + 1);
  }
  if (cmd == "witness") return bronpoort::processing_log::run_witness_command(argc - 1, argv + 1);
  if (cmd == "version" || cmd == "--version") {
    std::printf("bronpoort API %s\n", bronpoort::kApiVersion);
    return 0;
  }
  if (cmd == "help" || cmd == "--help" || cmd == "-h") {
    usage();
    return 0;
  }
  std::fprintf(stderr, "bronpoort: unknown command '%s'\n", argv[1]);
  usage();
  return 2;
}
