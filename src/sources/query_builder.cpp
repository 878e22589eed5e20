#include "query_builder.hpp"

#include <algorithm>

namespace bronpoort::sources {

const char* filter_op_suffix(FilterOp op) {
  switch (op) {
    case FilterOp::Eq:
      return "";
    case FilterOp::Gt:
      return "Gt";
    case FilterOp::Gte:
      return "Gte";
    case FilterOp::Lt:
      return "Lt";
    case FilterOp::Lte:
      return "Lte";
    case FilterOp::StartsWith:
      return "StartsWith";
    case FilterOp::In:
      return "In";
  }
  return "";
}

std::optional<FilterOp> filter_op_from_name(std::string_view name) {
  for (FilterOp op : {FilterOp::Eq, FilterOp::Gt, FilterOp::Gte, FilterOp::Lt, FilterOp::Lte,
                      FilterOp::StartsWith, FilterOp::In}) {
    if (name == filter_op_name(op)) return op;
  }
  return std::nullopt;
}

QueryBuilder::QueryBuilder(const Resource& resource, DataOperation operation)
    : resource_(resource) {
  query_.operation = operation;
  query_.page_size = resource.default_page_size;
}

void QueryBuilder::invalid(const std::string& param, const std::string& code,
                           const std::string& reason) {
  invalid_.push_back(InvalidParam{param, reason, code});
}

void QueryBuilder::sensitive(const std::string& param, const std::string& field) {
  sensitive_.push_back(InvalidParam{
      param,
      "\"" + field + "\" identifies a person and may not appear in a URI; use POST " +
          "/v1/datasets/{dataset}/" + resource_.id + "/search with the filter in the JSON body",
      "sensitive-in-uri"});
}

const Field* QueryBuilder::filter_field(const std::string& param, const std::string& name,
                                        FilterOp op) {
  const Field* f = resource_.field(name);
  if (f == nullptr) {
    invalid(param, "unknown-field", "\"" + name + "\" is not a field of " + resource_.id);
    return nullptr;
  }
  if (!f->filterable) {
    invalid(param, "not-filterable", "\"" + name + "\" cannot be filtered on");
    return nullptr;
  }
  bool ordered = f->type != FieldType::Boolean;
  bool textual = f->type == FieldType::String;
  bool ok =
      op == FilterOp::Eq || op == FilterOp::In || (op == FilterOp::StartsWith ? textual : ordered);
  if (!ok) {
    invalid(param, "unsupported-operator",
            std::string("operator \"") + filter_op_name(op) + "\" does not apply to the " +
                field_type_name(f->type) + " field \"" + name + "\"");
    return nullptr;
  }
  return f;
}

void QueryBuilder::add_filter(const std::string& param, const Field& field, FilterOp op,
                              std::vector<nlohmann::json> values) {
  if (values.empty()) {
    invalid(param, "invalid-value", "needs at least one value");
    return;
  }
  if (values.size() > kMaxInValues) {
    invalid(param, "invalid-value", "at most " + std::to_string(kMaxInValues) + " values");
    return;
  }
  query_.filters.push_back(FilterCondition{field.name, op, std::move(values), param});
}

void QueryBuilder::add_sort(const std::string& param, const std::string& key) {
  bool descending = !key.empty() && key[0] == '-';
  std::string name = descending ? key.substr(1) : key;
  const Field* f = resource_.field(name);
  if (f == nullptr) {
    invalid(param, "unknown-field", "\"" + name + "\" is not a field of " + resource_.id);
  } else if (!f->sortable) {
    invalid(param, "not-sortable", "\"" + name + "\" cannot be sorted on");
  } else if (std::any_of(query_.sort.begin(), query_.sort.end(),
                         [&](const SortKey& k) { return k.field == name; })) {
    invalid(param, "invalid-value", "\"" + name + "\" is sorted on twice");
  } else {
    query_.sort.push_back(SortKey{name, descending});
  }
}

void QueryBuilder::add_field(const std::string& param, const std::string& name) {
  if (resource_.field(name) == nullptr) {
    invalid(param, "unknown-field", "\"" + name + "\" is not a field of " + resource_.id);
  } else if (std::find(query_.fields.begin(), query_.fields.end(), name) == query_.fields.end()) {
    query_.fields.push_back(name);
  }
}

void QueryBuilder::set_page(const std::string& param, long long page) {
  if (page < 1 || page > kMaxPage) {
    invalid(param, "invalid-value", "must be between 1 and " + std::to_string(kMaxPage));
  } else {
    query_.page = static_cast<int>(page);
  }
}

void QueryBuilder::set_page_size(const std::string& param, long long size) {
  if (size < 1) {
    invalid(param, "invalid-value", "must be at least 1");
  } else if (size > resource_.max_page_size) {
    invalid(param, "page-size-too-large",
            "must be at most " + std::to_string(resource_.max_page_size));
  } else {
    query_.page_size = static_cast<int>(size);
  }
}

QueryParse QueryBuilder::finish() {
  if (!sensitive_.empty()) {
    Problem p = make_problem(400, "sensitive-in-uri",
                             "Identifying values such as a BSN may not appear in a URL, where "
                             "proxies and logs keep them. Send the filter in the body of POST "
                             ".../search instead.");
    p.invalid_params = std::move(sensitive_);
    return p;
  }
  if (!invalid_.empty()) {
    Problem p = make_problem(400, "invalid-query",
                             "The query does not fit resource \"" + resource_.id +
                                 "\"; see invalidParams for each parameter and how to correct it.");
    p.invalid_params = std::move(invalid_);
    return p;
  }
  return std::move(query_);
}

}  // namespace bronpoort::sources
