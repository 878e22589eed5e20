#pragma once
// The application log: one JSON object per line on stderr, through spdlog, for every module.
// Nothing else writes to the log (no spdlog::info and the like): a plain-text line would break
// readers that take the log as JSON lines. Callers pass only non-sensitive fields: never tokens,
// query strings, bodies or identifiers of data subjects.

#include <nlohmann/json_fwd.hpp>

#include <string_view>

namespace bronpoort::common {

enum class Level { Debug, Info, Warn, Error };

// Sets up the JSON logger; `level` is "debug", "info", "warn" or "error".
void init_logging(std::string_view level);

// Writes {"time": ..., "level": ..., "event": event, ...fields}. `event` is a stable kebab-case
// name a reader can filter on; the details go in `fields`.
void log_event(Level level, std::string_view event, const nlohmann::json& fields);

// Whether a line of `level` would be written now.
bool log_enabled(Level level);
// Writes a line already built as one JSON object (the access log builds its own).
void log_json_line(Level level, std::string_view line);

}  // namespace bronpoort::common
