// RFC 9162 Merkle tree: roots against the reference vectors Certificate Transparency
// implementations test with, and proofs made by merkle.cpp checked by the RFC's verification
// algorithms (merkle_verify.cpp) and against a naive recursive tree written here, for the edge
// sizes: 0, 1, powers of two, one past a power of two.

#include <bronpoort/processing_log/merkle.hpp>

#include <gtest/gtest.h>

#include <map>

namespace bronpoort::processing_log::merkle {
namespace {

// The eight leaves of the RFC 6962 reference test vectors.
std::vector<std::string> reference_leaves() {
  return {"",
          std::string("\x00", 1),
          "\x10",
          "\x20\x21",
          "\x30\x31",
          "\x40\x41\x42\x43",
          "\x50\x51\x52\x53\x54\x55\x56\x57",
          "\x60\x61\x62\x63\x64\x65\x66\x67\x68\x69\x6a\x6b\x6c\x6d\x6e\x6f"};
}

// Naive MTH straight from the definition in RFC 9162 2.1.1, over raw leaf data.
Hash naive_root(const std::vector<Hash>& leaves, std::size_t begin, std::size_t end) {
  std::size_t n = end - begin;
  if (n == 0) return empty_root();
  if (n == 1) return leaves[begin];
  std::size_t k = 1;
  while (k * 2 < n) k *= 2;
  return node_hash(naive_root(leaves, begin, begin + k), naive_root(leaves, begin + k, end));
}

std::vector<Hash> leaves_of(std::size_t n) {
  std::vector<Hash> out;
  for (std::size_t i = 0; i < n; ++i) out.push_back(leaf_hash("record " + std::to_string(i)));
  return out;
}

SubtreeSource source_over(const std::vector<Hash>& leaves) {
  return [&leaves](const NodeId& id) -> std::optional<Hash> {
    std::size_t begin = static_cast<std::size_t>(id.index << id.level);
    std::size_t end = begin + (std::size_t{1} << id.level);
    if (end > leaves.size()) return std::nullopt;
    return naive_root(leaves, begin, end);
  };
}

const std::vector<std::size_t> kEdgeSizes = {1,  2,  3,  4,  5,  7,  8,  9,
                                             15, 16, 17, 31, 32, 33, 64, 65};

TEST(Merkle, RootsMatchTheReferenceVectors) {
  const char* expected[] = {"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
                            "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
                            "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
                            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
                            "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
                            "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
                            "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
                            "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"};
  MerkleFrontier frontier;
  EXPECT_EQ(to_hex(frontier.root()),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  auto leaves = reference_leaves();
  for (std::size_t i = 0; i < leaves.size(); ++i) {
    frontier.append(leaf_hash(leaves[i]));
    EXPECT_EQ(to_hex(frontier.root()), expected[i]) << "size " << i + 1;
  }
}

TEST(Merkle, FrontierRootEqualsTheDefinitionForEverySize) {
  auto leaves = leaves_of(70);
  MerkleFrontier frontier;
  for (std::size_t n = 0; n <= leaves.size(); ++n) {
    ASSERT_EQ(frontier.root(), naive_root(leaves, 0, n)) << "size " << n;
    ASSERT_EQ(*range_root(source_over(leaves), 0, n), naive_root(leaves, 0, n));
    if (n < leaves.size()) frontier.append(leaves[n]);
  }
}

TEST(Merkle, FrontierReportsEveryCompletedSubtreeOnce) {
  auto leaves = leaves_of(40);
  MerkleFrontier frontier;
  std::vector<StoredNode> done;
  for (const auto& l : leaves) frontier.append(l, &done, 2);
  std::map<NodeId, Hash> seen;
  for (const auto& n : done) {
    EXPECT_TRUE(seen.emplace(n.id, n.hash).second);
    EXPECT_GE(n.id.level, 2);
    auto begin = static_cast<std::size_t>(n.id.index << n.id.level);
    EXPECT_EQ(n.hash, naive_root(leaves, begin, begin + (std::size_t{1} << n.id.level)));
  }
  // Level 2: 10 subtrees, level 3: 5, level 4: 2, level 5: 1.
  EXPECT_EQ(done.size(), 18u);
}

TEST(Merkle, FrontierContinuesFromItsStoredSubtrees) {
  auto leaves = leaves_of(45);
  std::vector<Hash> roots;
  for (const auto& id : frontier_nodes(40)) {
    auto begin = static_cast<std::size_t>(id.index << id.level);
    roots.push_back(naive_root(leaves, begin, begin + (std::size_t{1} << id.level)));
  }
  MerkleFrontier resumed(40, roots);
  for (std::size_t i = 40; i < 45; ++i) resumed.append(leaves[i]);
  EXPECT_EQ(resumed.root(), naive_root(leaves, 0, 45));
}

TEST(Merkle, InclusionProofsVerifyAtEdgeSizes) {
  auto leaves = leaves_of(65);
  for (std::size_t n : kEdgeSizes) {
    Hash root = naive_root(leaves, 0, n);
    for (std::size_t i = 0; i < n; ++i) {
      auto proof = inclusion_proof(source_over(leaves), i, n);
      ASSERT_TRUE(proof) << n << "/" << i;
      EXPECT_TRUE(verify_inclusion(leaves[i], i, n, *proof, root)) << n << "/" << i;
      // The wrong leaf, index or root does not verify. (The size alone is not bound by the path:
      // it comes with the root, from the same signed checkpoint.)
      EXPECT_FALSE(verify_inclusion(leaves[(i + 1) % 65], i, n, *proof, root));
      if (n > 1) {
        EXPECT_FALSE(verify_inclusion(leaves[i], (i + 1) % n, n, *proof, root));
      }
      EXPECT_FALSE(verify_inclusion(leaves[i], i, n, *proof, naive_root(leaves, 0, n + 1)));
      if (!proof->empty()) {
        auto bad = *proof;
        bad.back()[0] ^= 1;
        EXPECT_FALSE(verify_inclusion(leaves[i], i, n, bad, root));
        bad = *proof;
        bad.pop_back();
        EXPECT_FALSE(verify_inclusion(leaves[i], i, n, bad, root));
      }
    }
  }
}

TEST(Merkle, InclusionProofOfTheOnlyLeafIsEmpty) {
  auto leaves = leaves_of(1);
  auto proof = inclusion_proof(source_over(leaves), 0, 1);
  ASSERT_TRUE(proof);
  EXPECT_TRUE(proof->empty());
  EXPECT_TRUE(verify_inclusion(leaves[0], 0, 1, {}, leaves[0]));
  EXPECT_FALSE(inclusion_proof(source_over(leaves), 0, 0));
  EXPECT_FALSE(verify_inclusion(leaves[0], 0, 0, {}, empty_root()));
}

TEST(Merkle, ConsistencyProofsVerifyBetweenEdgeSizes) {
  auto leaves = leaves_of(66);
  std::vector<std::size_t> sizes = {0};
  sizes.insert(sizes.end(), kEdgeSizes.begin(), kEdgeSizes.end());
  for (std::size_t m : sizes) {
    for (std::size_t n : sizes) {
      if (m > n) continue;
      Hash first = naive_root(leaves, 0, m);
      Hash second = naive_root(leaves, 0, n);
      auto proof = consistency_proof(source_over(leaves), m, n);
      ASSERT_TRUE(proof) << m << "->" << n;
      EXPECT_TRUE(verify_consistency(m, n, first, second, *proof)) << m << "->" << n;
      if (m == 0 || m == n) {
        EXPECT_TRUE(proof->empty());
        continue;
      }
      // Another history of the same sizes (a fork) does not verify.
      Hash other = naive_root(leaves, 1, n + 1);
      EXPECT_FALSE(verify_consistency(m, n, first, other, *proof)) << m << "->" << n;
      EXPECT_FALSE(verify_consistency(m, n, naive_root(leaves, 1, m + 1), second, *proof));
      auto bad = *proof;
      bad.front()[5] ^= 0x80;
      EXPECT_FALSE(verify_consistency(m, n, first, second, bad)) << m << "->" << n;
      EXPECT_FALSE(verify_consistency(n, m, second, first, *proof));
    }
  }
}

TEST(Merkle, ProofsFailWhenASubtreeIsUnavailable) {
  auto leaves = leaves_of(17);
  // Record 3 is missing: no subtree over it can be had.
  SubtreeSource holey = [&](const NodeId& id) -> std::optional<Hash> {
    std::uint64_t begin = id.index << id.level;
    if (begin <= 3 && 3 < begin + (std::uint64_t{1} << id.level)) return std::nullopt;
    return source_over(leaves)(id);
  };
  EXPECT_FALSE(inclusion_proof(holey, 2, 17));
  EXPECT_FALSE(consistency_proof(holey, 5, 17));
  EXPECT_FALSE(inclusion_proof(holey, 16, 17));  // its sibling, the subtree over 0..15, is lost
  EXPECT_TRUE(inclusion_proof(holey, 1, 3));     // trees before record 3 still prove
  EXPECT_TRUE(consistency_proof(holey, 1, 3));
}

TEST(Merkle, HashesRoundTripThroughHexAndBase64) {
  Hash h = leaf_hash("x");
  EXPECT_EQ(*from_hex(to_hex(h)), h);
  EXPECT_EQ(*from_base64(to_base64(h)), h);
  EXPECT_FALSE(from_hex(to_hex(h).substr(2)));
  EXPECT_FALSE(from_base64("not base64"));
}

}  // namespace
}  // namespace bronpoort::processing_log::merkle
