#pragma once
// `bronpoort verify-log --config FILE [--json]`: recomputes every chain of the configured log and
// checks its checkpoint signatures. Progress goes to stderr, the result to stdout.
// Exit status: 0 every chain intact, 1 a chain is broken, 2 bad usage or config, 3 store error.

namespace bronpoort::processing_log {

// argv[0] is the sub-command name ("verify-log").
int run_verify_log_command(int argc, char** argv);

}  // namespace bronpoort::processing_log
