// RFC 9162 sections 2.1.3.2 and 2.1.4.2: checking inclusion and consistency proofs. Written from
// the RFC's verification algorithms (bit arithmetic on the leaf index and tree size), not from
// the recursive definitions the proof makers in merkle.cpp follow, so each checks the other.

#include "encoding.hpp"

#include <bronpoort/processing_log/merkle.hpp>

#include <algorithm>

namespace bronpoort::processing_log::merkle {
namespace {

std::string_view bytes(const Hash& h) {
  return {reinterpret_cast<const char*>(h.data()), h.size()};
}

std::optional<Hash> to_hash(const std::optional<std::string>& raw) {
  if (!raw || raw->size() != 32) return std::nullopt;
  Hash h{};
  std::copy(raw->begin(), raw->end(), h.begin());
  return h;
}

}  // namespace

std::string to_hex(const Hash& h) {
  return encoding::hex(bytes(h));
}

std::optional<Hash> from_hex(std::string_view hex) {
  return to_hash(encoding::unhex(hex));
}

std::string to_base64(const Hash& h) {
  return encoding::base64(bytes(h));
}

std::optional<Hash> from_base64(std::string_view text) {
  return to_hash(encoding::unbase64(text));
}

bool verify_inclusion(const Hash& leaf, std::uint64_t index, std::uint64_t size,
                      const std::vector<Hash>& proof, const Hash& root) {
  if (index >= size) return false;
  std::uint64_t fn = index;
  std::uint64_t sn = size - 1;
  Hash r = leaf;
  for (const auto& p : proof) {
    if (sn == 0) return false;
    if ((fn & 1) || fn == sn) {
      r = node_hash(p, r);
      if (!(fn & 1)) {
        while (!(fn & 1) && fn != 0) {
          fn >>= 1;
          sn >>= 1;
        }
      }
    } else {
      r = node_hash(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return sn == 0 && r == root;
}

bool verify_consistency(std::uint64_t first, std::uint64_t second, const Hash& first_root,
                        const Hash& second_root, const std::vector<Hash>& proof) {
  if (first > second) return false;
  if (first == second) return proof.empty() && first_root == second_root;
  // Every tree extends the empty tree; there is nothing to prove.
  if (first == 0) return proof.empty();
  std::vector<Hash> path;
  // When the first tree is a complete subtree of the second its root is the path's start.
  if ((first & (first - 1)) == 0) path.push_back(first_root);
  path.insert(path.end(), proof.begin(), proof.end());
  if (path.empty()) return false;
  std::uint64_t fn = first - 1;
  std::uint64_t sn = second - 1;
  while (fn & 1) {
    fn >>= 1;
    sn >>= 1;
  }
  Hash fr = path[0];
  Hash sr = path[0];
  for (std::size_t i = 1; i < path.size(); ++i) {
    const Hash& c = path[i];
    if (sn == 0) return false;
    if ((fn & 1) || fn == sn) {
      fr = node_hash(c, fr);
      sr = node_hash(c, sr);
      while (!(fn & 1) && fn != 0) {
        fn >>= 1;
        sn >>= 1;
      }
    } else {
      sr = node_hash(sr, c);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return fr == first_root && sr == second_root && sn == 0;
}

}  // namespace bronpoort::processing_log::merkle
