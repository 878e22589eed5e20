#include <bronpoort/core/http_message.hpp>
#include <bronpoort/core/utf8.hpp>

namespace bronpoort {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::optional<std::string_view> HttpRequest::query_param(std::string_view key) const {
  for (const auto& [k, v] : query) {
    if (k == key) return std::string_view(v);
  }
  return std::nullopt;
}

bool percent_decode(std::string_view in, std::string& out, bool plus_is_space) {
  out.clear();
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '%') {
      if (i + 2 >= in.size()) return false;  // needs two hex digits after '%'
      int hi = hex_value(in[i + 1]);
      int lo = hex_value(in[i + 2]);
      if (hi < 0 || lo < 0) return false;
      char decoded = static_cast<char>(hi * 16 + lo);
      if (decoded == '\0') return false;
      out.push_back(decoded);
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  // Paths and parameters are compared, echoed, logged and passed on to sources as text: bytes
  // that are not UTF-8 (e.g. %FF) are refused here, once, rather than failing somewhere later.
  return is_valid_utf8(out);
}

std::string percent_encode(std::string_view in) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(in.size());
  for (unsigned char c : in) {
    bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '-' || c == '_' || c == '.' || c == '~' || c == ',';
    if (plain) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string target_for_page(const HttpRequest& request, long long page) {
  std::string query;
  for (const auto& [k, v] : request.query) {
    if (k == "page") continue;
    query += (query.empty() ? "" : "&") + percent_encode(k) + "=" + percent_encode(v);
  }
  query += (query.empty() ? "" : "&") + std::string("page=") + std::to_string(page);
  return request.path + "?" + query;
}

bool parse_query(std::string_view raw, std::vector<std::pair<std::string, std::string>>& out) {
  out.clear();
  while (!raw.empty()) {
    auto amp = raw.find('&');
    std::string_view part = raw.substr(0, amp);
    raw = amp == std::string_view::npos ? std::string_view{} : raw.substr(amp + 1);
    if (part.empty()) continue;
    auto eq = part.find('=');
    std::string key;
    std::string value;
    if (!percent_decode(part.substr(0, eq), key, true)) return false;
    if (eq != std::string_view::npos && !percent_decode(part.substr(eq + 1), value, true)) {
      return false;
    }
    out.emplace_back(std::move(key), std::move(value));
  }
  return true;
}

}  // namespace bronpoort
