#include "response_head.hpp"

#include <boost/beast/http/status.hpp>

namespace bronpoort::server {

std::optional<std::string> response_head(int status, const HeaderMap& headers,
                                         std::size_t body_size, bool keep_alive) {
  if (status < 200 || status > 599 || status == 204 || status == 304) return std::nullopt;
  std::size_t size = 64;
  for (const auto& [name, value] : headers.entries()) {
    if (iequals(name, "Connection") || iequals(name, "Content-Length") ||
        iequals(name, "Transfer-Encoding")) {
      return std::nullopt;
    }
    size += name.size() + value.size() + 4;
  }
  const auto reason = boost::beast::http::obsolete_reason(
      static_cast<boost::beast::http::status>(static_cast<unsigned>(status)));
  std::string out;
  out.reserve(size + reason.size());
  out += "HTTP/1.1 ";
  out += std::to_string(status);
  out += ' ';
  out.append(reason.data(), reason.size());
  out += "\r\n";
  for (const auto& [name, value] : headers.entries()) {
    out += name;
    out += ": ";
    out += value;
    out += "\r\n";
  }
  if (!keep_alive) out += "Connection: close\r\n";
  out += "Content-Length: ";
  out += std::to_string(body_size);
  out += "\r\n\r\n";
  return out;
}

}  // namespace bronpoort::server
