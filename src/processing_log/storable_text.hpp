#pragma once
// Every text of a record is made storable before the record is queued: valid UTF-8 (a bad
// sequence becomes U+FFFD) and at most a bounded length. A caller's crafted bytes can then neither
// fail a PostgreSQL commit (which refuses invalid UTF-8, and with it the whole batch of other
// people's requests) nor bloat the append-only log.

#include <bronpoort/processing_log/record.hpp>

#include <string>

namespace bronpoort::processing_log {

// Applies core's to_valid_utf8 to every text field of `record`, including the strings inside
// details.
void make_storable(LogRecord& record);

}  // namespace bronpoort::processing_log
