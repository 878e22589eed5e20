// Format checks follow the RFCs JSON Schema cites (dates and durations in formats_time.cpp):
// RFC 5321/1123 (email, hostname), RFC 2673/4291 (ipv4/ipv6), RFC 3986/3987
// (uri, iri), RFC 4122 (uuid), RFC 6901 (json-pointer), ECMA-262 (regex).

#include "formats.hpp"

#include <cstdlib>
#include <string>

#include "ecma_regex.hpp"

namespace bronpoort::schema::detail {
namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_alpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool is_hex(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

bool check_hostname_impl(std::string_view s, bool allow_unicode) {
  if (s.empty() || s.size() > 253) return false;
  std::size_t start = 0;
  while (true) {
    std::size_t dot = s.find('.', start);
    std::string_view label = s.substr(start, dot == std::string_view::npos ? s.npos : dot - start);
    if (label.empty() || label.size() > 63) return false;
    if (label.front() == '-' || label.back() == '-') return false;
    for (char c : label) {
      auto u = static_cast<unsigned char>(c);
      if (!(is_alpha(c) || is_digit(c) || c == '-' || (allow_unicode && u >= 0x80))) return false;
    }
    if (label.size() >= 4 && label[2] == '-' && label[3] == '-' &&
        !(label.substr(0, 2) == "xn" || label.substr(0, 2) == "XN")) {
      return false;  // RFC 5891: "--" in positions 3-4 is reserved for A-labels
    }
    if (dot == std::string_view::npos) return true;
    start = dot + 1;
  }
}

bool check_hostname(std::string_view s) {
  return check_hostname_impl(s, false);
}
bool check_idn_hostname(std::string_view s) {
  return check_hostname_impl(s, true);
}

bool check_ipv4(std::string_view s) {
  int parts = 0;
  std::size_t pos = 0;
  while (true) {
    std::size_t start = pos;
    int v = 0;
    while (pos < s.size() && is_digit(s[pos]) && pos - start < 3) v = v * 10 + (s[pos++] - '0');
    std::size_t len = pos - start;
    if (len == 0 || v > 255 || (len > 1 && s[start] == '0')) return false;
    ++parts;
    if (pos == s.size()) return parts == 4;
    if (s[pos] != '.' || parts == 4) return false;
    ++pos;
  }
}

bool check_ipv6(std::string_view s) {
  if (s.size() < 2 || s.size() > 45) return false;
  int groups = 0;
  bool compressed = false;
  std::size_t pos = 0;
  if (s.substr(0, 2) == "::") {
    compressed = true;
    pos = 2;
    if (pos == s.size()) return true;
  } else if (s[0] == ':') {
    return false;
  }
  while (pos < s.size()) {
    std::size_t start = pos;
    while (pos < s.size() && is_hex(s[pos])) ++pos;
    std::size_t len = pos - start;
    if (pos < s.size() && s[pos] == '.') {
      // Trailing embedded IPv4 takes the room of two groups.
      if (!check_ipv4(s.substr(start))) return false;
      groups += 2;
      pos = s.size();
      break;
    }
    if (len == 0 || len > 4) return false;
    ++groups;
    if (pos == s.size()) break;
    if (s[pos] != ':') return false;
    ++pos;
    if (pos < s.size() && s[pos] == ':') {
      if (compressed) return false;
      compressed = true;
      ++pos;
      if (pos == s.size()) break;
    } else if (pos == s.size()) {
      return false;
    }
  }
  return compressed ? groups < 8 : groups == 8;
}

bool uri_char(unsigned char c, bool allow_unicode) {
  if (c >= 0x80) return allow_unicode;
  if (is_alpha(static_cast<char>(c)) || is_digit(static_cast<char>(c))) return true;
  return std::string_view("-._~:/?#[]@!$&'()*+,;=%").find(static_cast<char>(c)) !=
         std::string_view::npos;
}

bool uri_chars_ok(std::string_view s, bool allow_unicode) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if (!uri_char(c, allow_unicode)) return false;
    if (c == '%' && (i + 2 >= s.size() || !is_hex(s[i + 1]) || !is_hex(s[i + 2]))) return false;
  }
  return true;
}

bool has_scheme(std::string_view s) {
  auto colon = s.find(':');
  if (colon == std::string_view::npos || colon == 0 || !is_alpha(s[0])) return false;
  for (std::size_t i = 1; i < colon; ++i) {
    char c = s[i];
    if (!(is_alpha(c) || is_digit(c) || c == '+' || c == '-' || c == '.')) return false;
  }
  return true;
}

bool authority_ok(std::string_view s) {
  // "//authority" must not carry characters outside userinfo@host:port, and a port is digits.
  auto pos = s.find("//");
  if (pos == std::string_view::npos) return true;
  auto rest = s.substr(pos + 2);
  auto end = rest.find_first_of("/?#");
  auto authority = rest.substr(0, end);
  if (authority.find('[') != std::string_view::npos) return authority.find(']') != s.npos;
  auto at = authority.rfind('@');
  auto host_port = at == std::string_view::npos ? authority : authority.substr(at + 1);
  auto colon = host_port.rfind(':');
  // An IPv6 host must be bracketed; a bare one leaves colons in the host part.
  if (colon != std::string_view::npos && host_port.substr(0, colon).find(':') != s.npos) {
    return false;
  }
  if (colon != std::string_view::npos) {
    for (char c : host_port.substr(colon + 1)) {
      if (!is_digit(c)) return false;
    }
  }
  return true;
}

bool fragment_ok(std::string_view s) {
  auto hash = s.find('#');
  return hash == std::string_view::npos || s.find('#', hash + 1) == std::string_view::npos;
}

bool check_uri(std::string_view s) {
  return has_scheme(s) && uri_chars_ok(s, false) && fragment_ok(s) &&
         authority_ok(s.substr(s.find(':') + 1));
}
bool check_uri_reference(std::string_view s) {
  return uri_chars_ok(s, false) && fragment_ok(s) && (!has_scheme(s) || check_uri(s));
}
bool check_iri(std::string_view s) {
  return has_scheme(s) && uri_chars_ok(s, true) && fragment_ok(s) &&
         authority_ok(s.substr(s.find(':') + 1));
}
bool check_iri_reference(std::string_view s) {
  return uri_chars_ok(s, true) && fragment_ok(s);
}

bool check_uri_template(std::string_view s) {
  int depth = 0;
  for (char c : s) {
    if (c == '{') {
      if (++depth > 1) return false;
    } else if (c == '}') {
      if (--depth < 0) return false;
    }
  }
  return depth == 0;
}

bool check_email_impl(std::string_view s, bool allow_unicode) {
  auto at = s.rfind('@');
  if (at == std::string_view::npos || at == 0 || at + 1 == s.size()) return false;
  std::string_view local = s.substr(0, at);
  std::string_view domain = s.substr(at + 1);
  if (local.size() >= 2 && local.front() == '"' && local.back() == '"') {
    // quoted local part: anything printable
  } else {
    if (local.front() == '.' || local.back() == '.' || local.find("..") != local.npos) {
      return false;
    }
    for (char c : local) {
      auto u = static_cast<unsigned char>(c);
      bool ok = is_alpha(c) || is_digit(c) ||
                std::string_view("!#$%&'*+-/=?^_`{|}~.").find(c) != std::string_view::npos ||
                (allow_unicode && u >= 0x80);
      if (!ok) return false;
    }
  }
  if (domain.front() == '[' && domain.back() == ']') {
    std::string_view literal = domain.substr(1, domain.size() - 2);
    if (literal.rfind("IPv6:", 0) == 0) return check_ipv6(literal.substr(5));
    return check_ipv4(literal);
  }
  return check_hostname_impl(domain, allow_unicode);
}

bool check_email(std::string_view s) {
  return check_email_impl(s, false);
}
bool check_idn_email(std::string_view s) {
  return check_email_impl(s, true);
}

bool check_uuid(std::string_view s) {
  if (s.size() != 36) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? s[i] != '-' : !is_hex(s[i])) return false;
  }
  return true;
}

bool check_regex(std::string_view s) {
  std::string error;
  return EcmaRegex::compile(s, 20'000, error) != nullptr;
}

bool check_json_pointer(std::string_view s) {
  if (s.empty()) return true;
  if (s[0] != '/') return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '~' && (i + 1 >= s.size() || (s[i + 1] != '0' && s[i + 1] != '1'))) return false;
  }
  return true;
}

bool check_relative_json_pointer(std::string_view s) {
  std::size_t pos = 0;
  while (pos < s.size() && is_digit(s[pos])) ++pos;
  if (pos == 0 || (pos > 1 && s[0] == '0')) return false;
  std::string_view rest = s.substr(pos);
  return rest == "#" || check_json_pointer(rest);
}

struct Entry {
  std::string_view name;
  FormatChecker check;
};

constexpr Entry kFormats[] = {
    {"date", check_date},
    {"time", check_time},
    {"date-time", check_date_time},
    {"duration", check_duration},
    {"email", check_email},
    {"idn-email", check_idn_email},
    {"hostname", check_hostname},
    {"idn-hostname", check_idn_hostname},
    {"ipv4", check_ipv4},
    {"ipv6", check_ipv6},
    {"uri", check_uri},
    {"uri-reference", check_uri_reference},
    {"iri", check_iri},
    {"iri-reference", check_iri_reference},
    {"uri-template", check_uri_template},
    {"uuid", check_uuid},
    {"regex", check_regex},
    {"json-pointer", check_json_pointer},
    {"relative-json-pointer", check_relative_json_pointer},
};

}  // namespace

FormatChecker lookup_format(std::string_view name) {
  for (const auto& e : kFormats) {
    if (e.name == name) return e.check;
  }
  return nullptr;
}

}  // namespace bronpoort::schema::detail
