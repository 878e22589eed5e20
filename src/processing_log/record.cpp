#include <bronpoort/common/time.hpp>
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
      {"loggedAt", common::format_time_us(logged_at_us)},
      {"traceId", trace_id},
      {"spanId", span_id},
      {"parentSpanId", parent_span_id},
      {"name", name},
      {"startTime", common::format_time_us(start_us)},
      {"endTime", common::format_time_us(end_us)},
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

}  // namespace bronpoort::processing_log
