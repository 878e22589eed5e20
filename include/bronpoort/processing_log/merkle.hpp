#pragma once
// The Merkle tree of RFC 9162 (Certificate Transparency 2.0), section 2.1, over a chain's records:
// leaf hash = SHA-256(0x00 || canonical bytes), node hash = SHA-256(0x01 || left || right). The
// writer keeps the tree incrementally (MerkleFrontier); proofs are made from perfect subtrees
// (SubtreeSource) and checked by verify_inclusion / verify_consistency, which share no code with
// the proof makers so that a bug in one is not hidden by the same bug in the other.

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bronpoort::processing_log::merkle {

using Hash = std::array<unsigned char, 32>;

Hash leaf_hash(std::string_view data);
Hash node_hash(const Hash& left, const Hash& right);
// SHA-256 of nothing: the root of the empty tree.
Hash empty_root();

std::string to_hex(const Hash& h);
std::optional<Hash> from_hex(std::string_view hex);
std::string to_base64(const Hash& h);
std::optional<Hash> from_base64(std::string_view text);

// A complete subtree: 2^level leaves starting at leaf index << level.
struct NodeId {
  int level = 0;
  std::uint64_t index = 0;
  bool operator<(const NodeId& o) const {
    return level != o.level ? level < o.level : index < o.index;
  }
  bool operator==(const NodeId& o) const { return level == o.level && index == o.index; }
};

struct StoredNode {
  NodeId id;
  Hash hash{};
};

// The right edge of a growing tree: the roots of its perfect subtrees, largest first (one per set
// bit of the size). Appending is O(1) amortised and O(log n) at worst, and reports the complete
// subtrees it finished so they can be stored for proofs.
class MerkleFrontier {
 public:
  MerkleFrontier() = default;
  // Continues a tree of `size` leaves whose perfect subtrees (largest first) are `roots`.
  MerkleFrontier(std::uint64_t size, std::vector<Hash> roots);

  // Adds a leaf (already hashed); every subtree completed by it at `min_level` or above is
  // appended to `completed`, when given.
  void append(const Hash& leaf, std::vector<StoredNode>* completed = nullptr, int min_level = 0);

  std::uint64_t size() const { return size_; }
  Hash root() const;
  const std::vector<Hash>& roots() const { return roots_; }

 private:
  std::uint64_t size_ = 0;
  std::vector<Hash> roots_;  // largest subtree first
};

// The perfect subtrees of a frontier for `size` leaves, largest first: what to read to continue.
std::vector<NodeId> frontier_nodes(std::uint64_t size);

// Gives the hash of a complete subtree of a tree that has at least its leaves. Returning nullopt
// means the subtree cannot be had (a record is missing); proofs then fail.
using SubtreeSource = std::function<std::optional<Hash>(const NodeId&)>;

// RFC 9162 2.1.1: the root of leaves [begin, end) from complete subtrees.
std::optional<Hash> range_root(const SubtreeSource& source, std::uint64_t begin, std::uint64_t end);

// RFC 9162 2.1.3.1: the inclusion path of leaf `index` in the tree of `size` leaves.
std::optional<std::vector<Hash>> inclusion_proof(const SubtreeSource& source, std::uint64_t index,
                                                 std::uint64_t size);

// RFC 9162 2.1.4.1: the consistency proof from the tree of `first` leaves to that of `second`.
std::optional<std::vector<Hash>> consistency_proof(const SubtreeSource& source, std::uint64_t first,
                                                   std::uint64_t second);

// RFC 9162 2.1.3.2: whether `proof` shows `leaf` at `index` in the tree of `size` with `root`.
bool verify_inclusion(const Hash& leaf, std::uint64_t index, std::uint64_t size,
                      const std::vector<Hash>& proof, const Hash& root);

// RFC 9162 2.1.4.2: whether `proof` shows the tree (`first`, `first_root`) is a prefix of the tree
// (`second`, `second_root`).
bool verify_consistency(std::uint64_t first, std::uint64_t second, const Hash& first_root,
                        const Hash& second_root, const std::vector<Hash>& proof);

}  // namespace bronpoort::processing_log::merkle
