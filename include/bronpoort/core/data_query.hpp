#pragma once
// A data request in structured form: what the route stage parsed from the query string or search
// body, before the access check decides which of it the caller may see.

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace bronpoort {

enum class DataOperation { List, Detail, Search };

// Filter operators. In query strings an operator is a lowerCamelCase suffix on the field name
// (`birthDateGte`, `cityIn`, `nameStartsWith`); in search bodies it is a member of the field's
// object (`{"birthDate": {"gte": "1980-01-01"}}`).
enum class FilterOp { Eq, Gt, Gte, Lt, Lte, StartsWith, In };

const char* filter_op_name(FilterOp op);  // "eq", "gte", ...

struct FilterCondition {
  std::string field;  // the resource field, as named in the schema
  FilterOp op = FilterOp::Eq;
  std::vector<nlohmann::json> values;  // one value, or several for In; typed per the schema
  std::string parameter;               // where it came from: query key or body pointer
};

struct SortKey {
  std::string field;
  bool descending = false;
};

struct DataQuery {
  DataOperation operation = DataOperation::List;
  std::string id;  // the record id, for Detail
  std::vector<FilterCondition> filters;
  std::vector<SortKey> sort;
  std::vector<std::string> fields;  // requested field selection; empty means all granted
  int page = 1;
  int page_size = 20;
  bool include_total = false;
};

}  // namespace bronpoort
