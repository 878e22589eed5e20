#include <bronpoort/core/problem.hpp>

#include <nlohmann/json.hpp>

namespace bronpoort {

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
    for (const auto& p : invalid_params) {
      arr.push_back({{"name", p.name}, {"reason", p.reason}, {"code", p.code}});
    }
  }
  // Replace invalid UTF-8 from request echoes instead of throwing.
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace bronpoort
