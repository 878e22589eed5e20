#include <bronpoort/processing_log/canonical.hpp>

#include <openssl/evp.h>

#include <algorithm>
#include <charconv>
#include <stdexcept>

namespace bronpoort::processing_log {
namespace {

std::string dump(const nlohmann::json& j) {
  // Invalid UTF-8 from a caller must not throw on the writer thread; replace it instead.
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// The members of an object without its braces: nlohmann::json keeps keys sorted, so this is the
// same run of "key":value pairs the whole record's dump would contain.
std::string members(const nlohmann::json& object) {
  std::string s = dump(object);
  return s.substr(1, s.size() - 2);
}

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

}  // namespace

// Keys sort as: chainId < [dataSubjectId .. legalBasis] < loggedAt < [name .. role] < seq <
// [sourceLatencyUs .. v]; the unit test compares the result with a dump of the whole record.
CanonicalTemplate::CanonicalTemplate(const LogRecord& r)
    : before_logged_at_(members({
          {"dataSubjectId", r.data_subject_id},
          {"dataSubjectIdType", r.data_subject_id_type},
          {"dataset", r.dataset},
          {"decision", r.decision},
          {"details", r.details},
          {"end", r.end_us},
          {"event", r.event},
          {"fieldsReleased", r.fields_released},
          {"fieldsWithheld", r.fields_withheld},
          {"httpStatus", r.http_status},
          {"kind", record_kind_name(r.kind)},
          {"legalBasis", r.legal_basis},
      })),
      before_seq_(members({
          {"name", r.name},
          {"organisation", r.organisation},
          {"ownerOrganisation", r.owner_organisation},
          {"parentSpanId", r.parent_span_id},
          {"processingActivityId", r.processing_activity_id},
          {"pseudonymKeyId", r.pseudonym_key_id},
          {"purpose", r.purpose},
          {"reasonCode", r.reason_code},
          {"recordCount", r.record_count},
          {"resource", r.resource},
          {"role", r.role},
      })),
      after_seq_(members({
          {"sourceLatencyUs", r.source_latency_us},
          {"spanId", r.span_id},
          {"start", r.start_us},
          {"status", r.status},
          {"traceId", r.trace_id},
          {"user", r.user},
          {"v", 1},
      })) {}

void CanonicalTemplate::render(std::string& out, const std::string& chain_id,
                               std::int64_t logged_at_us, std::int64_t seq) const {
  out.clear();
  out.reserve(before_logged_at_.size() + before_seq_.size() + after_seq_.size() + chain_id.size() +
              64);
  out += "{\"chainId\":";
  out += dump(chain_id);
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
