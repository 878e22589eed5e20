#pragma once
// Names the calling thread as `top -H`, `perf` and /proc/<pid>/task/*/comm show it, so an
// operator (and a profile) can tell the I/O threads from the log writer. Linux keeps at most 15
// characters; longer names are cut.

namespace bronpoort {

void name_this_thread(const char* name);

}  // namespace bronpoort
