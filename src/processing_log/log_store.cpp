#include <bronpoort/processing_log/log_store.hpp>

#include <charconv>

namespace bronpoort::processing_log {
namespace {

constexpr char kB64Url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string b64url(const std::string& in) {
  std::string out;
  unsigned int buf = 0;
  int bits = 0;
  for (unsigned char c : in) {
    buf = (buf << 8) | c;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out.push_back(kB64Url[(buf >> bits) & 0x3f]);
    }
  }
  if (bits > 0) out.push_back(kB64Url[(buf << (6 - bits)) & 0x3f]);
  return out;
}

bool unb64url(const std::string& in, std::string& out) {
  unsigned int buf = 0;
  int bits = 0;
  for (char c : in) {
    const char* p = std::char_traits<char>::find(kB64Url, 64, c);
    if (!p) return false;
    buf = (buf << 6) | static_cast<unsigned int>(p - kB64Url);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buf >> bits) & 0xff));
    }
  }
  return true;
}

bool parse_int(std::string_view s, std::int64_t& v) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return ec == std::errc() && p == s.data() + s.size() && !s.empty();
}

}  // namespace

// The cursor is opaque to callers: "<loggedAt>.<seq>.<chainId>" in base64url.
std::string LogCursor::encode() const {
  return b64url(std::to_string(logged_at_us) + "." + std::to_string(seq) + "." + chain_id);
}

std::optional<LogCursor> LogCursor::decode(const std::string& text) {
  std::string raw;
  if (text.empty() || text.size() > 512 || !unb64url(text, raw)) return std::nullopt;
  auto d1 = raw.find('.');
  if (d1 == std::string::npos) return std::nullopt;
  auto d2 = raw.find('.', d1 + 1);
  if (d2 == std::string::npos) return std::nullopt;
  LogCursor c;
  if (!parse_int(std::string_view(raw).substr(0, d1), c.logged_at_us) ||
      !parse_int(std::string_view(raw).substr(d1 + 1, d2 - d1 - 1), c.seq)) {
    return std::nullopt;
  }
  c.chain_id = raw.substr(d2 + 1);
  return c;
}

std::unique_ptr<LogStore> open_store(const common::StoreConfig& config) {
  if (config.kind == common::StoreConfig::Kind::Postgres) {
    return open_postgres_store(config.postgres_dsn, config.postgres_migration_dsn);
  }
  return open_sqlite_store(config.sqlite_path.string());
}

void LogPage::close(int limit) {
  if (records.size() <= static_cast<std::size_t>(limit)) return;
  records.pop_back();
  const auto& last = records.back();
  next = LogCursor{last.logged_at_us, last.chain_id, last.seq};
}

}  // namespace bronpoort::processing_log
