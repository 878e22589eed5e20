#pragma once
// The linked-query loader's working state, shared by the files that read a query's parts: the
// columns defined so far (where each comes from) and the errors found, with file and pointer.

#include <bronpoort/core/config_error.hpp>
#include <bronpoort/linkage/linked_query.hpp>

#include <nlohmann/json.hpp>

#include <map>
#include <string>

namespace bronpoort::linkage {

// Where the columns of the linked rows come from, to check what later parts refer to.
struct Column {
  bool numeric = false;
  bool is_date = false;
  std::size_t input = 0;  // the input contributing it (for a derived column, its source's)
  std::string field;      // that input's field
  bool derived = false;
  std::string date_part;  // of a derived datePart column
};

class QueryChecker {
 public:
  QueryChecker(const std::string& file, ConfigErrors& errors) : file_(file), errors_(errors) {}

  void error(const std::string& pointer, std::string reason) {
    errors_.push_back({file_, pointer, std::move(reason)});
  }

  // Adds a column; a name used twice is an error at `pointer`.
  void add_column(const std::string& name, Column c, const std::string& pointer) {
    if (!columns_.emplace(name, c).second) {
      error(pointer, "column '" + name + "' is defined twice; rename one with {\"field\", \"as\"}");
    }
  }
  const Column* column(const std::string& name) const {
    auto it = columns_.find(name);
    return it == columns_.end() ? nullptr : &it->second;
  }
  // An error at `pointer` unless `name` is a column.
  const Column* need_column(const std::string& name, const std::string& pointer) {
    const Column* c = column(name);
    if (!c) error(pointer, "'" + name + "' is not a column of the linked rows (" + known() + ")");
    return c;
  }

 private:
  std::string known() const {
    std::string out;
    for (const auto& [name, _] : columns_) out += (out.empty() ? "" : ", ") + name;
    return out;
  }
  std::string file_;
  ConfigErrors& errors_;
  std::map<std::string, Column> columns_;
};

// Reads the `filters` a linked query declares (declared_filters_config.cpp).
void read_filters(const nlohmann::json& list, QueryChecker& check, LinkedQuery& q);

}  // namespace bronpoort::linkage
