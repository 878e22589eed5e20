// RFC 9162 section 2.1: hashing, the incremental frontier, and proof making. Verification is in
// merkle_verify.cpp and does not call into this file's proof code.

#include <bronpoort/processing_log/merkle.hpp>

#include <openssl/evp.h>

#include <bit>
#include <stdexcept>

namespace bronpoort::processing_log::merkle {
namespace {

// One digest context per thread, with SHA-256 fetched once: hashing runs on the writer thread for
// every record, and a fetch per hash would cost more than the hash of a node.
struct Sha256 {
  EVP_MD* md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  ~Sha256() {
    EVP_MD_CTX_free(ctx);
    EVP_MD_free(md);
  }
  Hash digest(unsigned char prefix, std::string_view a, std::string_view b = {}) {
    Hash out{};
    unsigned int size = 0;
    bool ok = md && ctx && EVP_DigestInit_ex2(ctx, md, nullptr) == 1 &&
              EVP_DigestUpdate(ctx, &prefix, 1) == 1 &&
              EVP_DigestUpdate(ctx, a.data(), a.size()) == 1 &&
              EVP_DigestUpdate(ctx, b.data(), b.size()) == 1 &&
              EVP_DigestFinal_ex(ctx, out.data(), &size) == 1 && size == out.size();
    if (!ok) throw std::runtime_error("SHA-256 failed");
    return out;
  }
};

Sha256& sha256() {
  thread_local Sha256 instance;
  return instance;
}

std::string_view view(const Hash& h) {
  return {reinterpret_cast<const char*>(h.data()), h.size()};
}

// The largest power of two smaller than n (n > 1).
std::uint64_t split(std::uint64_t n) {
  return std::bit_floor(n - 1);
}

bool perfect(std::uint64_t begin, std::uint64_t end) {
  std::uint64_t n = end - begin;
  return std::has_single_bit(n) && begin % n == 0;
}

bool path(const SubtreeSource& source, std::uint64_t m, std::uint64_t begin, std::uint64_t end,
          std::vector<Hash>& out) {
  std::uint64_t n = end - begin;
  if (n == 1) return true;
  std::uint64_t k = split(n);
  std::optional<Hash> sibling;
  if (m < k) {
    if (!path(source, m, begin, begin + k, out)) return false;
    sibling = range_root(source, begin + k, end);
  } else {
    if (!path(source, m - k, begin + k, end, out)) return false;
    sibling = range_root(source, begin, begin + k);
  }
  if (!sibling) return false;
  out.push_back(*sibling);
  return true;
}

bool subproof(const SubtreeSource& source, std::uint64_t m, std::uint64_t begin, std::uint64_t end,
              bool whole, std::vector<Hash>& out) {
  std::uint64_t n = end - begin;
  if (m == n) {
    if (whole) return true;
    auto root = range_root(source, begin, end);
    if (!root) return false;
    out.push_back(*root);
    return true;
  }
  std::uint64_t k = split(n);
  std::optional<Hash> other;
  if (m <= k) {
    if (!subproof(source, m, begin, begin + k, whole, out)) return false;
    other = range_root(source, begin + k, end);
  } else {
    if (!subproof(source, m - k, begin + k, end, false, out)) return false;
    other = range_root(source, begin, begin + k);
  }
  if (!other) return false;
  out.push_back(*other);
  return true;
}

}  // namespace

Hash leaf_hash(std::string_view data) {
  return sha256().digest(0x00, data);
}

Hash node_hash(const Hash& left, const Hash& right) {
  return sha256().digest(0x01, view(left), view(right));
}

Hash empty_root() {
  Hash out{};
  unsigned int size = 0;
  EVP_Digest("", 0, out.data(), &size, EVP_sha256(), nullptr);
  return out;
}

MerkleFrontier::MerkleFrontier(std::uint64_t size, std::vector<Hash> roots)
    : size_(size), roots_(std::move(roots)) {
  if (roots_.size() != static_cast<std::size_t>(std::popcount(size_))) {
    throw std::invalid_argument("a frontier needs one subtree per set bit of its size");
  }
}

void MerkleFrontier::append(const Hash& leaf, std::vector<StoredNode>* completed, int min_level) {
  Hash acc = leaf;
  // Each trailing one bit of the old size is a subtree of the same height as `acc`: merge them.
  int level = 0;
  for (std::uint64_t s = size_; s & 1; s >>= 1) {
    acc = node_hash(roots_.back(), acc);
    roots_.pop_back();
    ++level;
    if (completed && level >= min_level) {
      completed->push_back({{level, ((size_ + 1) >> level) - 1}, acc});
    }
  }
  if (completed && min_level == 0) completed->push_back({{0, size_}, leaf});
  roots_.push_back(acc);
  ++size_;
}

Hash MerkleFrontier::root() const {
  if (roots_.empty()) return empty_root();
  // The right-most (smallest) subtrees hang off the right of the larger ones.
  Hash acc = roots_.back();
  for (auto it = roots_.rbegin() + 1; it != roots_.rend(); ++it) acc = node_hash(*it, acc);
  return acc;
}

std::vector<NodeId> frontier_nodes(std::uint64_t size) {
  std::vector<NodeId> out;
  std::uint64_t begin = 0;
  for (int level = 63; level >= 0; --level) {
    std::uint64_t bit = std::uint64_t{1} << level;
    if (!(size & bit)) continue;
    out.push_back({level, begin >> level});
    begin += bit;
  }
  return out;
}

std::optional<Hash> range_root(const SubtreeSource& source, std::uint64_t begin,
                               std::uint64_t end) {
  if (end <= begin) return empty_root();
  if (perfect(begin, end)) {
    int level = std::countr_zero(end - begin);
    return source({level, begin >> level});
  }
  std::uint64_t k = split(end - begin);
  auto left = range_root(source, begin, begin + k);
  if (!left) return std::nullopt;
  auto right = range_root(source, begin + k, end);
  if (!right) return std::nullopt;
  return node_hash(*left, *right);
}

std::optional<std::vector<Hash>> inclusion_proof(const SubtreeSource& source, std::uint64_t index,
                                                 std::uint64_t size) {
  if (index >= size) return std::nullopt;
  std::vector<Hash> out;
  if (!path(source, index, 0, size, out)) return std::nullopt;
  return out;
}

std::optional<std::vector<Hash>> consistency_proof(const SubtreeSource& source, std::uint64_t first,
                                                   std::uint64_t second) {
  if (first > second) return std::nullopt;
  std::vector<Hash> out;
  if (first == 0 || first == second) return out;
  if (!subproof(source, first, 0, second, true, out)) return std::nullopt;
  return out;
}

}  // namespace bronpoort::processing_log::merkle
