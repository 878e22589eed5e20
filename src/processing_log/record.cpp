#include <bronpoort/processing_log/canonical.hpp>
#include <bronpoort/processing_log/record.hpp>

#include <openssl/evp.h>

#include <array>
#include <cstdio>
#include <ctime>
#include <stdexcept>

namespace bronpoort::processing_log {
namespace {

constexpr char kHex[] = "0123456789abcdef";

std::string to_hex(const unsigned char* data, std::size_t size) {
  std::string out;
  out.reserve(size * 2);
  for (std::size_t i = 0; i < size; ++i) {
    out.push_back(kHex[data[i] >> 4]);
    out.push_back(kHex[data[i] & 0x0f]);
  }
  return out;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

}  // namespace

const char* record_kind_name(RecordKind kind) {
  return kind == RecordKind::Audit ? "audit" : "processing";
}

std::string LogRecord::canonical_bytes() const {
  // One serialiser for the writer and the verifier: the writer builds the template on the
  // caller's thread and renders it with the chain values (canonical.cpp).
  std::string out;
  CanonicalTemplate(*this).render(out, chain_id, logged_at_us, seq);
  return out;
}

nlohmann::json LogRecord::to_api_json() const {
  nlohmann::json attributes = nlohmann::json::object();
  if (!processing_activity_id.empty()) {
    attributes["dpl.core.processing_activity_id"] = processing_activity_id;
  }
  if (!data_subject_id.empty()) {
    attributes["dpl.core.data_subject_id"] = data_subject_id;
    attributes["dpl.core.data_subject_id_type"] = data_subject_id_type;
    attributes["dpl.core.data_subject_id_key_id"] = pseudonym_key_id;
  }
  nlohmann::json j = {
      {"kind", record_kind_name(kind)},
      {"chainId", chain_id},
      {"seq", seq},
      {"hash", hash},
      {"loggedAt", format_time_us(logged_at_us)},
      {"traceId", trace_id},
      {"spanId", span_id},
      {"parentSpanId", parent_span_id},
      {"name", name},
      {"startTime", format_time_us(start_us)},
      {"endTime", format_time_us(end_us)},
      {"status", status},
      {"attributes", attributes},
      {"organisation", organisation},
      {"role", role},
      {"user", user},
      {"purpose", purpose},
      {"legalBasis", legal_basis},
      {"dataset", dataset},
      {"resource", resource},
      {"ownerOrganisation", owner_organisation},
      {"decision", decision},
      {"reasonCode", reason_code},
      {"httpStatus", http_status},
  };
  if (kind == RecordKind::Audit) {
    j["event"] = event;
    j["fieldsReleased"] = fields_released;
    j["fieldsWithheld"] = fields_withheld;
    j["recordCount"] = record_count;
    j["sourceLatencyMs"] = static_cast<double>(source_latency_us) / 1000.0;
    if (!details.empty()) j["details"] = details;
  }
  return j;
}

const std::string& genesis_hash() {
  static const std::string zeros(64, '0');
  return zeros;
}

std::string chain_hash(const std::string& prev_hash_hex, const std::string& canonical) {
  std::array<unsigned char, 32> prev{};
  if (prev_hash_hex.size() != 64) throw std::invalid_argument("prev_hash must be 64 hex digits");
  for (std::size_t i = 0; i < 32; ++i) {
    int hi = hex_value(prev_hash_hex[2 * i]);
    int lo = hex_value(prev_hash_hex[2 * i + 1]);
    if (hi < 0 || lo < 0) throw std::invalid_argument("prev_hash must be lower-case hex");
    prev[i] = static_cast<unsigned char>(hi << 4 | lo);
  }
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int size = 0;
  EVP_MD_CTX* md = EVP_MD_CTX_new();
  bool ok = md && EVP_DigestInit_ex(md, EVP_sha256(), nullptr) == 1 &&
            EVP_DigestUpdate(md, prev.data(), prev.size()) == 1 &&
            EVP_DigestUpdate(md, canonical.data(), canonical.size()) == 1 &&
            EVP_DigestFinal_ex(md, digest.data(), &size) == 1;
  EVP_MD_CTX_free(md);
  if (!ok) throw std::runtime_error("SHA-256 failed");
  return to_hex(digest.data(), size);
}

void link_record(LogRecord& record, std::int64_t head_seq, const std::string& head_hash) {
  record.seq = head_seq + 1;
  record.prev_hash = head_hash.empty() ? genesis_hash() : head_hash;
  record.hash = chain_hash(record.prev_hash, record.canonical_bytes());
}

std::string format_time_us(std::int64_t us) {
  std::int64_t secs = us / 1000000;
  std::int64_t frac = us % 1000000;
  if (frac < 0) {
    frac += 1000000;
    --secs;
  }
  std::time_t t = static_cast<std::time_t>(secs);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%06lldZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<long long>(frac));
  return buf;
}

bool parse_time_us(const std::string& text, std::int64_t& us) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  int consumed = 0;
  if (std::sscanf(text.c_str(), "%4d-%2d-%2d%n", &y, &mo, &d, &consumed) != 3 || consumed != 10) {
    return false;
  }
  if (mo < 1 || mo > 12 || d < 1 || d > 31) return false;
  std::size_t pos = 10;
  std::int64_t frac_us = 0;
  std::int64_t offset_s = 0;
  if (pos < text.size()) {
    if (text[pos] != 'T' && text[pos] != 't') return false;
    int n = 0;
    if (std::sscanf(text.c_str() + pos + 1, "%2d:%2d:%2d%n", &h, &mi, &s, &n) != 3 || n != 8) {
      return false;
    }
    if (h > 23 || mi > 59 || s > 60) return false;
    pos += 9;
    if (pos < text.size() && text[pos] == '.') {
      ++pos;
      int digits = 0;
      while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
        if (digits < 6) frac_us = frac_us * 10 + (text[pos] - '0');
        ++digits;
        ++pos;
      }
      if (digits == 0) return false;
      for (int i = digits; i < 6; ++i) frac_us *= 10;
    }
    if (pos >= text.size()) return false;
    if (text[pos] == 'Z' || text[pos] == 'z') {
      ++pos;
    } else if (text[pos] == '+' || text[pos] == '-') {
      int oh = 0, om = 0;
      if (text.size() - pos != 6 || std::sscanf(text.c_str() + pos + 1, "%2d:%2d", &oh, &om) != 2) {
        return false;
      }
      offset_s = (oh * 3600 + om * 60) * (text[pos] == '+' ? 1 : -1);
      pos += 6;
    } else {
      return false;
    }
    if (pos != text.size()) return false;
  }
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = s;
  std::int64_t secs = static_cast<std::int64_t>(timegm(&tm)) - offset_s;
  us = secs * 1000000 + frac_us;
  return true;
}

}  // namespace bronpoort::processing_log
