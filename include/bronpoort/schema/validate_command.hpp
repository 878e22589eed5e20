#pragma once
// `bronpoort validate --schema FILE [--ref-dir BASE_URI=DIR]... [--jsonl] [INSTANCE_FILE...]`
//
// Validates each instance file (or, with --jsonl, one JSON instance per line of standard input)
// and prints one line per instance: "valid <name>" or "invalid <name>: <error>; <error>...".
// Exit status: 0 all valid, 1 any invalid (or unreadable), 2 usage error or unusable schema.

#include <iosfwd>

namespace bronpoort::schema {

// argv excludes the program name and the word "validate".
int run_validate_command(int argc, char** argv);

// The same, with the streams passed in (for tests).
int run_validate_command(int argc, char** argv, std::istream& in, std::ostream& out,
                         std::ostream& err);

}  // namespace bronpoort::schema
