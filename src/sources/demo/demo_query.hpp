#pragma once
// The demo source holder's own query API (see src/sources/http_connector.hpp for the protocol),
// evaluated over an in-memory table.

#include "demo_data.hpp"

#include <optional>
#include <string>

namespace bronpoort::demo {

struct QueryAnswer {
  int status = 200;
  nlohmann::json body;
};

// Evaluates a query body {"filters", "sort", "fields", "offset", "limit", "includeTotal"}.
QueryAnswer run_query(const DemoTable& table, const nlohmann::json& query);

}  // namespace bronpoort::demo
