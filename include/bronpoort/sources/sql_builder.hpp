#pragma once
// SQL for the PostgreSQL connector, generated from the resource's schema and table mapping.
// Identifiers come only from the registry (quoted); every value from the request is a bind
// parameter. Nothing from the request text is ever spliced into SQL.

#include <bronpoort/core/data_query.hpp>
#include <bronpoort/core/result.hpp>
#include <bronpoort/sources/registry.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bronpoort::sources {

struct SqlStatement {
  std::string text;                 // with $1, $2, ... placeholders
  std::vector<std::string> params;  // text form of each parameter, cast in the SQL
};

struct SqlPlan {
  SqlStatement select;
  std::optional<SqlStatement> count;  // when the query asks for the total
  std::vector<const Field*> columns;  // the selected fields, in result-column order
  int limit = 0;                      // rows asked for: page size + 1 to learn whether more follow
};

// Quotes an identifier for PostgreSQL: "name", with embedded quotes doubled.
std::string quote_identifier(std::string_view name);
// "schema"."table" or "table".
std::string quote_table(std::string_view table);

// Builds the statements for `query` against `resource` (which must have a Postgres connector).
// `fields` are the fields to return (already including any the gateway needs itself); empty means
// all. Returns the reason instead when the query names something the resource does not have
// (the parser prevents that; this is the second line). With a non-empty `order_key`
// (FetchRequest::order_key), rows that tie on the query's sort keys are ordered by
// md5(order_key || id) before the id, so the page order does not follow the withheld id.
Result<SqlPlan, std::string> build_sql(const Resource& resource, const DataQuery& query,
                                       const std::vector<std::string>& fields,
                                       const std::string& order_key = {});

// The text form of a typed filter value, as bound to a parameter.
std::string sql_param_text(const nlohmann::json& value);

}  // namespace bronpoort::sources
