#include <bronpoort/sources/sql_builder.hpp>

#include <algorithm>

namespace bronpoort::sources {

std::string quote_identifier(std::string_view name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

std::string quote_table(std::string_view table) {
  auto dot = table.find('.');
  if (dot == std::string_view::npos) return quote_identifier(table);
  return quote_identifier(table.substr(0, dot)) + "." + quote_identifier(table.substr(dot + 1));
}

std::string sql_param_text(const nlohmann::json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_boolean()) return value.get<bool>() ? "true" : "false";
  return value.dump();
}

namespace {

// The SQL type a parameter for `f` is cast to, so PostgreSQL compares typed values.
const char* param_cast(const Field& f) {
  if (f.is_date) return "::date";
  switch (f.type) {
    case FieldType::String:
      return "::text";
    case FieldType::Integer:
      return "::bigint";
    case FieldType::Number:
      return "::numeric";
    case FieldType::Boolean:
      return "::boolean";
  }
  return "::text";
}

// Text columns compare and sort byte-wise (C collation), the same order every other connector and
// the demo sources use, so one query gives one answer whatever is behind the resource.
std::string column_expr(const Resource& res, const Field& f, bool ordered) {
  std::string col = quote_identifier(res.connector.postgres.columns.at(f.name));
  if (ordered && f.type == FieldType::String && !f.is_date) col += " COLLATE \"C\"";
  return col;
}

std::string select_expr(const Resource& res, const Field& f) {
  std::string col = quote_identifier(res.connector.postgres.columns.at(f.name));
  // Dates as ISO text independent of the session's DateStyle; everything else as its text form,
  // converted to the schema's JSON type by the connector.
  if (f.is_date) return "to_char(" + col + ", 'YYYY-MM-DD')";
  return col + "::text";
}

class Params {
 public:
  std::string add(const Field& f, const nlohmann::json& v) {
    values.push_back(sql_param_text(v));
    return "$" + std::to_string(values.size()) + param_cast(f);
  }
  std::vector<std::string> values;
};

bool where_clause(const Resource& res, const DataQuery& q, Params& params, std::string& sql,
                  std::string& error) {
  std::vector<std::string> conditions;
  if (q.operation == DataOperation::Detail) {
    const Field* idf = res.field(res.id_field);
    if (idf == nullptr) {
      error = "resource has no id field";
      return false;
    }
    nlohmann::json id = q.id;
    if (idf->type == FieldType::Integer) id = nlohmann::json::parse(q.id, nullptr, false);
    conditions.push_back(column_expr(res, *idf, false) + " = " + params.add(*idf, id));
  }
  for (const auto& c : q.filters) {
    const Field* f = res.field(c.field);
    if (f == nullptr || c.values.empty()) {
      error = "filter on unknown field";
      return false;
    }
    std::string col = column_expr(res, *f, true);
    switch (c.op) {
      case FilterOp::Eq:
        conditions.push_back(col + " = " + params.add(*f, c.values[0]));
        break;
      case FilterOp::Gt:
        conditions.push_back(col + " > " + params.add(*f, c.values[0]));
        break;
      case FilterOp::Gte:
        conditions.push_back(col + " >= " + params.add(*f, c.values[0]));
        break;
      case FilterOp::Lt:
        conditions.push_back(col + " < " + params.add(*f, c.values[0]));
        break;
      case FilterOp::Lte:
        conditions.push_back(col + " <= " + params.add(*f, c.values[0]));
        break;
      case FilterOp::StartsWith:
        // starts_with() instead of LIKE: no wildcard characters to escape in the value.
        conditions.push_back("starts_with(" + column_expr(res, *f, false) + ", " +
                             params.add(*f, c.values[0]) + ")");
        break;
      case FilterOp::In: {
        std::string list;
        for (const auto& v : c.values) list += (list.empty() ? "" : ", ") + params.add(*f, v);
        conditions.push_back(col + " IN (" + list + ")");
        break;
      }
    }
  }
  for (std::size_t i = 0; i < conditions.size(); ++i) {
    sql += (i == 0 ? " WHERE " : " AND ") + conditions[i];
  }
  return true;
}

}  // namespace

Result<SqlPlan, std::string> build_sql(const Resource& resource, const DataQuery& query,
                                       const std::vector<std::string>& fields,
                                       const std::string& order_key) {
  if (resource.connector.kind != ConnectorConfig::Kind::Postgres) {
    return std::string("resource is not served from PostgreSQL");
  }
  SqlPlan plan;
  if (fields.empty()) {
    for (const auto& f : resource.fields) plan.columns.push_back(&f);
  } else {
    // Schema order, whatever order the caller named them in.
    for (const auto& f : resource.fields) {
      if (std::find(fields.begin(), fields.end(), f.name) != fields.end())
        plan.columns.push_back(&f);
    }
    if (plan.columns.size() != fields.size()) {
      return std::string("field selection names an unknown field");
    }
  }
  std::string select = "SELECT ";
  for (std::size_t i = 0; i < plan.columns.size(); ++i) {
    // Output columns get neutral aliases: an output column named like a table column would
    // otherwise be what ORDER BY "column" sorts on (the text form, not the typed value).
    select += (i ? ", " : "") + select_expr(resource, *plan.columns[i]) + " AS \"c" +
              std::to_string(i) + "\"";
  }
  std::string from = " FROM " + quote_table(resource.connector.postgres.table);
  Params params;
  std::string where;
  std::string error;
  if (!where_clause(resource, query, params, where, error)) return error;

  if (query.include_total && query.operation != DataOperation::Detail) {
    plan.count = SqlStatement{"SELECT count(*)" + from + where, params.values};
  }
  std::string order;
  if (query.operation != DataOperation::Detail) {
    bool id_sorted = false;
    for (const auto& k : query.sort) {
      const Field* f = resource.field(k.field);
      if (f == nullptr) {
        return std::string("sort on unknown field");
      }
      id_sorted = id_sorted || f->name == resource.id_field;
      order += (order.empty() ? " ORDER BY " : ", ") + column_expr(resource, *f, true) +
               (k.descending ? " DESC" : " ASC");
    }
    // The id last, so pages are stable when sort keys tie. When the id is withheld from the
    // caller, ties go by a keyed hash of it first: the order then says nothing about the ids.
    if (!id_sorted) {
      const Field* idf = resource.field(resource.id_field);
      if (idf == nullptr) {
        return std::string("resource has no id field");
      }
      if (!order_key.empty()) {
        params.values.push_back(order_key);
        order += (order.empty() ? " ORDER BY " : ", ") + std::string("md5($") +
                 std::to_string(params.values.size()) + "::text || " +
                 quote_identifier(resource.connector.postgres.columns.at(idf->name)) +
                 "::text) ASC";
      }
      order += (order.empty() ? " ORDER BY " : ", ") + column_expr(resource, *idf, true) + " ASC";
    }
  }
  plan.limit = query.operation == DataOperation::Detail ? 1 : query.page_size + 1;
  long long offset = query.operation == DataOperation::Detail
                         ? 0
                         : static_cast<long long>(query.page - 1) * query.page_size;
  params.values.push_back(std::to_string(plan.limit));
  std::string limit = " LIMIT $" + std::to_string(params.values.size()) + "::bigint";
  params.values.push_back(std::to_string(offset));
  limit += " OFFSET $" + std::to_string(params.values.size()) + "::bigint";
  plan.select = SqlStatement{select + from + where + order + limit, std::move(params.values)};
  return plan;
}

}  // namespace bronpoort::sources
