#include "connector_config.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <regex>

namespace bronpoort::sources {

bool is_plain_identifier(const std::string& s) {
  if (s.empty() || s.size() > 63) return false;
  if (std::isdigit(static_cast<unsigned char>(s[0]))) return false;
  for (char c : s) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) return false;
  }
  return true;
}

bool substitute_env(const std::string& text, std::string& out, std::string& missing) {
  out.clear();
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '$' && i + 1 < text.size() && text[i + 1] == '{') {
      auto end = text.find('}', i + 2);
      if (end == std::string::npos) {
        missing = text.substr(i);
        return false;
      }
      std::string name = text.substr(i + 2, end - i - 2);
      const char* value = name.empty() ? nullptr : std::getenv(name.c_str());
      if (value == nullptr) {
        missing = name;
        return false;
      }
      out += value;
      i = end;
    } else {
      out += text[i];
    }
  }
  return true;
}

namespace {

bool parse_base_url(const std::string& url, HttpConnectorConfig& http) {
  static const std::regex re(
      R"(^(https?)://([A-Za-z0-9.\-]+|\[[0-9A-Fa-f:]+\])(?::([0-9]{1,5}))?(/[A-Za-z0-9._~\-/]*)?$)");
  std::smatch m;
  if (!std::regex_match(url, m, re)) return false;
  http.tls = m[1] == "https";
  http.host = m[2];
  if (!http.host.empty() && http.host.front() == '[')
    http.host = http.host.substr(1, http.host.size() - 2);
  http.port = m[3].matched ? m[3].str() : (http.tls ? "443" : "80");
  if (std::stoi(http.port) < 1 || std::stoi(http.port) > 65535) return false;
  http.base_path = m[4].matched ? m[4].str() : "";
  while (!http.base_path.empty() && http.base_path.back() == '/') http.base_path.pop_back();
  return true;
}

bool valid_path_template(const std::string& p) {
  static const std::regex re(R"(^/[A-Za-z0-9._~\-/{}]*$)");
  return std::regex_match(p, re);
}

void read_http(ConfigReader& r, HttpConnectorConfig& http) {
  if (auto url = r.string("baseUrl", true)) {
    http.base_url = *url;
    if (!parse_base_url(*url, http)) {
      r.error_at(r.child_pointer("baseUrl"),
                 "must be an http:// or https:// URL with a host, optional port and path, and no "
                 "user info, query or fragment");
    }
  }
  if (auto p = r.string("queryPath", true)) {
    http.query_path = *p;
    if (!valid_path_template(*p) || p->find('{') != std::string::npos) {
      r.error_at(r.child_pointer("queryPath"), "must be an absolute path without parameters");
    }
  }
  if (auto p = r.string("detailPath", true)) {
    http.detail_path = *p;
    if (!valid_path_template(*p) || p->find("{id}") == std::string::npos) {
      r.error_at(r.child_pointer("detailPath"), "must be an absolute path containing \"{id}\"");
    }
  }
  if (auto v = r.integer("connectTimeoutMs", false, 1, 600000)) {
    http.connect_timeout = std::chrono::milliseconds(*v);
  }
  if (auto v = r.integer("readTimeoutMs", false, 1, 600000)) {
    http.read_timeout = std::chrono::milliseconds(*v);
  }
  if (auto v = r.integer("maxResponseBytes", false, 1024, 1LL << 30)) {
    http.max_response_bytes = static_cast<std::size_t>(*v);
  }
  if (auto v = r.integer("maxConnections", false, 1, 4096)) {
    http.max_connections = static_cast<std::size_t>(*v);
  }
  if (auto ca = r.string("caFile", false)) {
    http.ca_file = *ca;
    if (!http.tls) r.error_at(r.child_pointer("caFile"), "only applies to an https:// baseUrl");
  }
}

bool valid_table(const std::string& table) {
  auto dot = table.find('.');
  if (dot == std::string::npos) return is_plain_identifier(table);
  return is_plain_identifier(table.substr(0, dot)) && is_plain_identifier(table.substr(dot + 1));
}

void read_postgres(ConfigReader& r, const std::vector<Field>& fields, PostgresConnectorConfig& pg) {
  if (auto dsn = r.string("dsn", true)) {
    // A literal password in a committed file is a leaked secret: it must come from the environment.
    static const std::regex literal_password(R"((^|\s)password\s*=\s*(?!\$\{))");
    std::string missing;
    if (std::regex_search(*dsn, literal_password)) {
      r.error_at(r.child_pointer("dsn"),
                 "must not contain a literal password; write password=${ENV_VAR} and set the "
                 "variable in the environment");
    } else if (!substitute_env(*dsn, pg.dsn, missing)) {
      r.error_at(r.child_pointer("dsn"),
                 "environment variable \"" + missing + "\" referenced as ${...} is not set");
    }
  }
  if (auto table = r.string("table", true)) {
    pg.table = *table;
    if (!valid_table(*table)) {
      r.error_at(r.child_pointer("table"),
                 "must be a plain identifier or schema.table of letters, digits and underscores");
    }
  }
  if (const auto* cols = r.member("columns", false)) {
    ConfigReader cr(*cols, r.file(), r.child_pointer("columns"), r.errors());
    if (cr.is_object()) {
      for (const auto& [field, column] : cols->items()) {
        std::string ptr = cr.child_pointer(field);
        bool known = std::any_of(fields.begin(), fields.end(),
                                 [&field = field](const Field& f) { return f.name == field; });
        if (!known) {
          cr.error_at(ptr, "\"" + field + "\" is not a field of the resource's schema");
        } else if (!column.is_string() || !is_plain_identifier(column.get<std::string>())) {
          cr.error_at(ptr, "must be a column name of letters, digits and underscores");
        } else {
          pg.columns[field] = column.get<std::string>();
        }
      }
    }
  }
  for (const auto& f : fields) {
    if (pg.columns.count(f.name) == 0) {
      if (is_plain_identifier(f.name)) {
        pg.columns[f.name] = f.name;
      } else {
        r.error_at(r.child_pointer("columns"),
                   "field \"" + f.name + "\" is not a plain identifier: map it to a column");
      }
    }
  }
  if (auto v = r.integer("poolSize", false, 1, 64)) pg.pool_size = static_cast<std::size_t>(*v);
  if (auto v = r.integer("statementTimeoutMs", false, 1, 600000)) {
    pg.statement_timeout = std::chrono::milliseconds(*v);
  }
  if (auto v = r.integer("connectTimeoutMs", false, 1000, 600000)) {
    pg.connect_timeout = std::chrono::milliseconds(*v);
  }
}

}  // namespace

bool read_connector(ConfigReader& r, const std::vector<Field>& fields, ConnectorConfig& out) {
  std::size_t before = r.errors().size();
  if (!r.is_object()) return false;
  auto kind = r.string("kind", true);
  if (kind == "http") {
    out.kind = ConnectorConfig::Kind::Http;
    read_http(r, out.http);
  } else if (kind == "postgres") {
    out.kind = ConnectorConfig::Kind::Postgres;
    read_postgres(r, fields, out.postgres);
  } else if (kind) {
    r.error_at(r.child_pointer("kind"), "must be \"http\" or \"postgres\"");
    return false;
  }
  r.reject_unknown();
  return r.errors().size() == before;
}

}  // namespace bronpoort::sources
