#pragma once
// Turns a data request (query string, or search body) into a typed DataQuery for one resource.
// Everything the caller can get wrong is answered with a 400 problem naming the parameter, so the
// connectors only ever see fields, operators and values the resource's schema allows.

#include <bronpoort/core/data_query.hpp>
#include <bronpoort/core/http_message.hpp>
#include <bronpoort/core/problem.hpp>
#include <bronpoort/core/result.hpp>
#include <bronpoort/sources/registry.hpp>

#include <string>
#include <variant>

namespace bronpoort::sources {

using QueryParse = Result<DataQuery>;

// List:   filters, paging, sort and fields from the query string.
// Detail: `id` (from the path) typed per the id field; only `fields` in the query string.
// Search: everything from the JSON body; the query string must be empty.
// Problems: 400 `invalid-query` with one invalidParams entry per mistake (codes unknown-parameter,
// unknown-field, not-filterable, not-sortable, unknown-operator, invalid-value,
// page-size-too-large,
// ...); 400 `sensitive-in-uri` when a field whose values identify a person is in the URI (path or
// query); 400 `invalid-body` when a search body is not a JSON object.
QueryParse parse_data_query(const Resource& resource, const HttpRequest& request,
                            DataOperation operation, const std::string& id = {});

// Converts `text` to a JSON value of `field`'s type; nullopt with `reason` set when it does not
// fit.
std::optional<nlohmann::json> typed_value(const Field& field, std::string_view text,
                                          std::string& reason);
// Checks a JSON value (from a search body) against `field`'s type.
bool value_fits(const Field& field, const nlohmann::json& value, std::string& reason);

}  // namespace bronpoort::sources
