// The query string of a list or detail request, as the session hands it on: percent-decoding and
// parse_query (src/core/http_message.cpp), then parse_data_query (src/sources/query_parser.cpp)
// against one of the demo registry's resources, then what a parsed query meets next (the
// upstream request body or SQL, the paging link).
//
// Input: byte 0 picks the resource, byte 1 the operation (even: list, odd: detail); the rest is
// the raw query string, for a detail "<id>\n<query>". Any outcome is fine except a crash, a
// sanitizer report, an exception, a refusal that is not a 400 with a code, or a parsed query the
// resource does not allow.

#include "data_query_checks.hpp"

#include <bronpoort/core/http_message.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace {

using namespace bronpoort;

// percent_encode and percent_decode are inverses, and a paging link keeps every parameter.
void check_round_trips(std::string_view raw, const HttpRequest& req) {
  // A raw NUL passes percent_decode and parse_query, but its encoding %00 is refused on purpose,
  // so neither round trip can hold for it; Beast never hands the session a target with a NUL.
  if (raw.find('\0') != std::string_view::npos) return;
  std::string decoded;
  if (percent_decode(raw, decoded, false)) {
    std::string again;
    if (!percent_decode(percent_encode(decoded), again, false) || again != decoded) std::abort();
  }
  const std::string link = target_for_page(req, 2);
  const auto qmark = link.find('?');
  std::vector<std::pair<std::string, std::string>> back;
  if (qmark == std::string::npos || !parse_query(std::string_view(link).substr(qmark + 1), back)) {
    std::abort();
  }
  std::vector<std::pair<std::string, std::string>> expected;
  for (const auto& kv : req.query) {
    if (kv.first != "page") expected.push_back(kv);
  }
  expected.emplace_back("page", "2");
  if (back != expected) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto& demo = fuzz::demo_resources();
  if (size < 2) return 0;
  const sources::Resource& resource = demo.pick(data[0]);
  const bool detail = (data[1] & 1) != 0;
  std::string_view rest(reinterpret_cast<const char*>(data) + 2, size - 2);
  std::string id;
  if (detail) {
    const auto nl = rest.find('\n');
    id = std::string(rest.substr(0, nl));
    rest = nl == std::string_view::npos ? std::string_view{} : rest.substr(nl + 1);
  }

  HttpRequest req;
  req.method = "GET";
  req.path = "/v1/datasets/fuzz/" + resource.id;
  req.raw_query = std::string(rest);
  // The session answers 400 malformed-target when this fails; nothing else sees the request.
  if (!parse_query(rest, req.query)) return 0;
  check_round_trips(rest, req);

  const auto op = detail ? DataOperation::Detail : DataOperation::List;
  auto parsed = sources::parse_data_query(resource, req, op, id);
  if (const auto* problem = std::get_if<Problem>(&parsed)) {
    fuzz::check_problem(*problem);
  } else {
    const auto& q = std::get<DataQuery>(parsed);
    if (q.operation != op) std::abort();
    fuzz::check_query(resource, q, true);
  }
  return 0;
}
