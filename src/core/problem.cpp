#include <bronpoort/core/problem.hpp>
#include <bronpoort/core/utf8.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>

namespace bronpoort {
namespace {

// Names and reasons can echo the caller's own keys and values; an echo is kept short (and valid
// UTF-8) so that the answer stays small whatever was sent.
std::string clipped(const std::string& text) {
  constexpr std::size_t kMaxEcho = 200;
  return to_valid_utf8(text, kMaxEcho);
}

}  // namespace

const char* status_title(int status) {
  switch (status) {
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 406:
      return "Not Acceptable";
    case 408:
      return "Request Timeout";
    case 409:
      return "Conflict";
    case 413:
      return "Content Too Large";
    case 415:
      return "Unsupported Media Type";
    case 429:
      return "Too Many Requests";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    default:
      return "Unknown";
  }
}

Problem make_problem(int status, std::string code, std::string detail, std::string title) {
  Problem p;
  p.status = status;
  p.code = std::move(code);
  p.detail = std::move(detail);
  p.title = title.empty() ? status_title(status) : std::move(title);
  return p;
}

void Problem::add_invalid_param(InvalidParam param) {
  if (invalid_params.size() < kMaxListedInvalidParams) {
    invalid_params.push_back(std::move(param));
  } else {
    ++invalid_params_omitted;
  }
}

std::string Problem::to_json(const std::string& instance, const std::string& trace_id) const {
  nlohmann::json j;
  // The type URI names the code so a client can look it up in the API documentation.
  j["type"] = "https://bronpoort.example.nl/problems/" + (code.empty() ? "error" : code);
  j["title"] = title.empty() ? status_title(status) : title;
  j["status"] = status;
  j["detail"] = detail;
  j["code"] = code;
  if (!instance.empty()) j["instance"] = instance;
  if (!trace_id.empty()) j["traceId"] = trace_id;
  if (!invalid_params.empty()) {
    auto& arr = j["invalidParams"] = nlohmann::json::array();
    const std::size_t listed = std::min(invalid_params.size(), kMaxListedInvalidParams);
    for (std::size_t i = 0; i < listed; ++i) {
      const auto& p = invalid_params[i];
      arr.push_back({{"name", clipped(p.name)}, {"reason", clipped(p.reason)}, {"code", p.code}});
    }
    const std::size_t more = invalid_params.size() - listed + invalid_params_omitted;
    if (more > 0) {
      arr.push_back({{"name", "/"},
                     {"reason", "and " + std::to_string(more) +
                                    " more violations not listed; correct these and send again"},
                     {"code", "more-violations"}});
    }
  }
  // Replace invalid UTF-8 from request echoes instead of throwing.
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace bronpoort
