#include <bronpoort/processing_log/canonical.hpp>

#include "json_text.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <charconv>
#include <stdexcept>

namespace bronpoort::processing_log {
namespace {

using json_text::append_json;
using json_text::append_list;
using json_text::append_string;

void append_int(std::string& out, std::int64_t v) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, end);
}

constexpr char kHex[] = "0123456789abcdef";

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

// One "key": pair; keys are constants that need no escaping.
std::string& key(std::string& out, const char* name, bool first = false) {
  if (!first) out += ',';
  out += '"';
  out += name;
  out += "\":";
  return out;
}

}  // namespace

// Keys sort as: chainId < [dataSubjectId .. legalBasis] < loggedAt < [name .. role] < seq <
// [sourceLatencyUs .. v], byte-wise as nlohmann::json orders them; the unit test compares the
// result with a dump of the whole record as one object.
CanonicalTemplate::CanonicalTemplate(const LogRecord& r) {
  std::string& a = before_logged_at_;
  a.reserve(384);
  append_string(key(a, "dataSubjectId", true), r.data_subject_id);
  append_string(key(a, "dataSubjectIdType"), r.data_subject_id_type);
  append_string(key(a, "dataset"), r.dataset);
  append_string(key(a, "decision"), r.decision);
  append_json(key(a, "details"), r.details);
  append_int(key(a, "end"), r.end_us);
  append_string(key(a, "event"), r.event);
  append_list(key(a, "fieldsReleased"), r.fields_released);
  append_list(key(a, "fieldsWithheld"), r.fields_withheld);
  append_int(key(a, "httpStatus"), r.http_status);
  append_string(key(a, "kind"), record_kind_name(r.kind));
  append_string(key(a, "legalBasis"), r.legal_basis);

  std::string& b = before_seq_;
  b.reserve(384);
  append_string(key(b, "name", true), r.name);
  append_string(key(b, "organisation"), r.organisation);
  append_string(key(b, "ownerOrganisation"), r.owner_organisation);
  append_string(key(b, "parentSpanId"), r.parent_span_id);
  append_string(key(b, "processingActivityId"), r.processing_activity_id);
  append_string(key(b, "pseudonymKeyId"), r.pseudonym_key_id);
  append_string(key(b, "purpose"), r.purpose);
  append_string(key(b, "reasonCode"), r.reason_code);
  append_int(key(b, "recordCount"), r.record_count);
  append_string(key(b, "resource"), r.resource);
  append_string(key(b, "role"), r.role);

  std::string& c = after_seq_;
  c.reserve(192);
  append_int(key(c, "sourceLatencyUs", true), r.source_latency_us);
  append_string(key(c, "spanId"), r.span_id);
  append_int(key(c, "start"), r.start_us);
  append_string(key(c, "status"), r.status);
  append_string(key(c, "traceId"), r.trace_id);
  append_string(key(c, "user"), r.user);
  append_int(key(c, "v"), 1);
}

void CanonicalTemplate::render(std::string& out, const std::string& chain_id,
                               std::int64_t logged_at_us, std::int64_t seq) const {
  out.clear();
  out.reserve(before_logged_at_.size() + before_seq_.size() + after_seq_.size() + chain_id.size() +
              64);
  out += "{\"chainId\":";
  append_string(out, chain_id);
  out += ',';
  out += before_logged_at_;
  out += ",\"loggedAt\":";
  append_int(out, logged_at_us);
  out += ',';
  out += before_seq_;
  out += ",\"seq\":";
  append_int(out, seq);
  out += ',';
  out += after_seq_;
  out += '}';
}

struct ChainLinker::Digest {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_MD* sha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  ~Digest() {
    EVP_MD_free(sha256);
    EVP_MD_CTX_free(ctx);
  }
};

ChainLinker::ChainLinker(std::int64_t head_seq, const std::string& head_hash_hex)
    : seq_(head_seq), hash_hex_(head_hash_hex), digest_(new Digest) {
  if (!digest_->ctx || !digest_->sha256) {
    delete digest_;
    throw std::runtime_error("SHA-256 unavailable");
  }
  if (hash_hex_.empty()) hash_hex_ = genesis_hash();
  if (hash_hex_.size() != 64) throw std::invalid_argument("head hash must be 64 hex digits");
  for (std::size_t i = 0; i < 32; ++i) {
    int hi = hex_value(hash_hex_[2 * i]);
    int lo = hex_value(hash_hex_[2 * i + 1]);
    if (hi < 0 || lo < 0) throw std::invalid_argument("head hash must be lower-case hex");
    hash_[i] = static_cast<unsigned char>(hi << 4 | lo);
  }
}

ChainLinker::~ChainLinker() {
  delete digest_;
}

void ChainLinker::link(LogRecord& record, const CanonicalTemplate& tmpl) {
  record.seq = seq_ + 1;
  tmpl.render(scratch_, record.chain_id, record.logged_at_us, record.seq);
  std::array<unsigned char, EVP_MAX_MD_SIZE> next{};
  unsigned int size = 0;
  bool ok = EVP_DigestInit_ex2(digest_->ctx, digest_->sha256, nullptr) == 1 &&
            EVP_DigestUpdate(digest_->ctx, hash_.data(), hash_.size()) == 1 &&
            EVP_DigestUpdate(digest_->ctx, scratch_.data(), scratch_.size()) == 1 &&
            EVP_DigestFinal_ex(digest_->ctx, next.data(), &size) == 1 && size == hash_.size();
  if (!ok) throw std::runtime_error("SHA-256 failed");
  std::copy_n(next.begin(), hash_.size(), hash_.begin());
  record.prev_hash = std::move(hash_hex_);
  hash_hex_.assign(64, '0');
  for (std::size_t i = 0; i < hash_.size(); ++i) {
    hash_hex_[2 * i] = kHex[hash_[i] >> 4];
    hash_hex_[2 * i + 1] = kHex[hash_[i] & 0x0f];
  }
  record.hash = hash_hex_;
  seq_ = record.seq;
}

}  // namespace bronpoort::processing_log
