#pragma once
// The demo token issuer behind `bronpoort token`: signs EdDSA tokens with the demo issuer's key,
// so the demo and the tests have realistic tokens without an identity provider. Refuses unless
// the gateway config has a `demoIssuer`, and refuses claims the gateway itself would refuse.

#include <bronpoort/authenticate/config.hpp>

#include <chrono>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

namespace bronpoort::authenticate {

struct DemoTokenRequest {
  std::string subject;
  std::string organisation;  // OIN
  std::vector<std::string> roles;
  std::vector<std::string> purposes;  // empty: no `purposes` claim, any purpose may be stated
  std::optional<std::string> bsn;
  std::chrono::seconds ttl{3600};
};

struct IssuedToken {
  std::string token;  // empty on failure
  std::string error;  // what is wrong with the request
};

IssuedToken issue_demo_token(const DemoIssuer& issuer, const DemoTokenRequest& request,
                             std::chrono::system_clock::time_point now);

// `bronpoort token --config FILE --sub S --org OIN --role R [--role R] [--purpose P]
// [--bsn BSN] [--ttl SECONDS]`. `args` are the arguments after "token". Prints the token and a
// newline to `out`; returns 0, or 2 for usage errors and 1 for config errors, explained on `err`.
int run_token_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
// The same for the CLI's dispatcher: argv holds the arguments after "token"; prints to
// stdout/stderr.
int run_token_command(int argc, char** argv);

}  // namespace bronpoort::authenticate
