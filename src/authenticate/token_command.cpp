#include <bronpoort/authenticate/demo_token.hpp>

#include <charconv>
#include <iostream>
#include <ostream>

namespace bronpoort::authenticate {
namespace {

constexpr const char* kUsage =
    "usage: bronpoort token --config FILE --sub SUBJECT --org OIN --role ROLE [--role ROLE]...\n"
    "                       [--purpose ID]... [--bsn BSN] [--ttl SECONDS]\n"
    "Issues a token signed by the demo issuer (DEMO ONLY: its private key is public).\n";

int usage(std::ostream& err, const std::string& problem) {
  err << "bronpoort token: " << problem << "\n" << kUsage;
  return 2;
}

}  // namespace

int run_token_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  std::string config_file;
  DemoTokenRequest request;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& flag = args[i];
    if (flag == "--help" || flag == "-h") {
      out << kUsage;
      return 0;
    }
    if (i + 1 >= args.size()) return usage(err, flag + " needs a value");
    const std::string& value = args[++i];
    if (flag == "--config")
      config_file = value;
    else if (flag == "--sub")
      request.subject = value;
    else if (flag == "--org")
      request.organisation = value;
    else if (flag == "--role")
      request.roles.push_back(value);
    else if (flag == "--purpose")
      request.purposes.push_back(value);
    else if (flag == "--bsn")
      request.bsn = value;
    else if (flag == "--ttl") {
      long long ttl = 0;
      auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), ttl);
      if (ec != std::errc{} || end != value.data() + value.size()) {
        return usage(err, "--ttl must be a number of seconds");
      }
      request.ttl = std::chrono::seconds(ttl);
    } else {
      return usage(err, "unknown option " + flag);
    }
  }
  if (config_file.empty()) return usage(err, "--config FILE is required");

  auto loaded = load_config_file(config_file);
  if (auto* errors = std::get_if<ConfigErrors>(&loaded)) {
    for (const auto& e : *errors) err << e.to_string() << "\n";
    return 1;
  }
  const auto& config = *std::get<std::shared_ptr<const IdentityConfig>>(loaded);
  if (!config.demo_issuer) {
    err << "bronpoort token: " << config_file
        << " has no identity.demoIssuer; tokens are issued only for a demo configuration\n";
    return 1;
  }
  auto issued = issue_demo_token(*config.demo_issuer, request, std::chrono::system_clock::now());
  if (!issued.error.empty()) return usage(err, issued.error);
  out << issued.token << "\n";
  return 0;
}

int run_token_command(int argc, char** argv) {
  return run_token_command(std::vector<std::string>(argv, argv + argc), std::cout, std::cerr);
}

}  // namespace bronpoort::authenticate
