#pragma once
// Sub-commands of the bronpoort executable. Each takes the arguments after its own name and
// returns the process exit code.

namespace bronpoort::cli {

int serve_command(int argc, char** argv);
int check_config_command(int argc, char** argv);

}  // namespace bronpoort::cli
