#pragma once
// Collects a DataQuery and every mistake in it, for both the query-string and the search-body
// parser, so both apply exactly the same rules.

#include <bronpoort/sources/query_parser.hpp>

#include <string>
#include <vector>

namespace bronpoort::sources {

// Bounds on what a query may ask, shared by the parsers and the search schema.
inline constexpr std::size_t kMaxFilterValueLength = 1000;  // characters in one value
inline constexpr std::size_t kMaxInValues = 100;            // values in one In filter
inline constexpr long long kMaxPage = 1'000'000;

class QueryBuilder {
 public:
  QueryBuilder(const Resource& resource, DataOperation operation);

  // `param` is the query key or body pointer the value came from (named in errors).
  // Looks up a field for filtering; records the error and returns null when it cannot be used.
  const Field* filter_field(const std::string& param, const std::string& name, FilterOp op);
  void add_filter(const std::string& param, const Field& field, FilterOp op,
                  std::vector<nlohmann::json> values);
  void add_sort(const std::string& param, const std::string& key);
  void add_field(const std::string& param, const std::string& name);
  void set_page(const std::string& param, long long page);
  void set_page_size(const std::string& param, long long size);
  void set_include_total(bool v) { query_.include_total = v; }
  void set_id(nlohmann::json id) { query_.id = id.is_string() ? id.get<std::string>() : id.dump(); }

  void invalid(const std::string& param, const std::string& code, const std::string& reason);
  // A value of an identifying field in a URI.
  void sensitive(const std::string& param, const std::string& field);

  const Resource& resource() const { return resource_; }
  DataOperation operation() const { return query_.operation; }
  QueryParse finish();

 private:
  const Resource& resource_;
  DataQuery query_;
  std::vector<InvalidParam> invalid_;
  std::vector<InvalidParam> sensitive_;
};

// The lowerCamelCase query-key suffix of an operator ("Gte", "StartsWith"); empty for Eq.
const char* filter_op_suffix(FilterOp op);
// Parses a search-body operator name ("gte", "startsWith").
std::optional<FilterOp> filter_op_from_name(std::string_view name);

}  // namespace bronpoort::sources
