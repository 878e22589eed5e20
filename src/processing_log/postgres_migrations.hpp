#pragma once
// Versioned schema of the PostgreSQL log store. Each entry is applied once, in order, in one
// transaction under an advisory lock, so several gateway instances can start at the same time.

#include <string>
#include <vector>

namespace bronpoort::processing_log::postgres {

// The role the gateway's sessions run as: INSERT and SELECT on the log tables, nothing else.
inline constexpr const char* kWriterRole = "bronpoort_log_writer";

const std::vector<std::string>& migrations();

}  // namespace bronpoort::processing_log::postgres
