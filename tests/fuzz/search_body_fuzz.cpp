// The body of POST /v1/datasets/{dataset}/{resource}/search: parse_data_query's search path
// (src/sources/query_parser.cpp), which checks the body against the resource's search schema
// (src/sources/search_schema.cpp) before reading it, then what a parsed query meets next (the
// upstream request body or SQL).
//
// Input: byte 0 picks one of the demo registry's resources; the rest is the body. Any outcome is
// fine except a crash, a sanitizer report, an exception, a refusal that is not a 400 with a code,
// or a parsed query the resource does not allow.

#include "data_query_checks.hpp"

#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace bronpoort;
  const auto& demo = fuzz::demo_resources();
  if (size < 1) return 0;
  const sources::Resource& resource = demo.pick(data[0]);

  HttpRequest req;
  req.method = "POST";
  req.path = "/v1/datasets/fuzz/" + resource.id + "/search";
  req.body.assign(reinterpret_cast<const char*>(data) + 1, size - 1);

  auto parsed = sources::parse_data_query(resource, req, DataOperation::Search);
  if (const auto* problem = std::get_if<Problem>(&parsed)) {
    fuzz::check_problem(*problem);
  } else {
    const auto& q = std::get<DataQuery>(parsed);
    if (q.operation != DataOperation::Search) std::abort();
    fuzz::check_query(resource, q, false);
  }
  return 0;
}
