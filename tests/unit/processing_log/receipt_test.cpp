// The Processing-Log-Receipt header: its exact text, the same from a request's leaves as from
// entries, and read back by parse_receipt.

#include <bronpoort/processing_log/log_proofs.hpp>

#include <gtest/gtest.h>

namespace bronpoort::processing_log {
namespace {

merkle::Hash hash_of(unsigned char first) {
  merkle::Hash h{};
  for (std::size_t i = 0; i < h.size(); ++i) h[i] = static_cast<unsigned char>(first + i * 7);
  return h;
}

TEST(Receipt, NamesEachRecordByChainSequenceAndLeafHash) {
  const std::string chain = "gw-0123456789abcdef";
  const std::vector<merkle::Hash> leaves{hash_of(0x00), hash_of(0xf0)};
  const std::string text = format_receipt(chain, 9'007'199'254'740'993, leaves);
  EXPECT_EQ(
      text,
      "chain=gw-0123456789abcdef;seq=9007199254740993;leaf=" + merkle::to_hex(leaves[0]) +
          ", chain=gw-0123456789abcdef;seq=9007199254740994;leaf=" + merkle::to_hex(leaves[1]));
  EXPECT_EQ(merkle::to_hex(leaves[0]).substr(0, 8), "00070e15");  // lower-case, two digits a byte
  EXPECT_EQ(merkle::to_hex(leaves[1]).substr(0, 8), "f0f7fe05");
  EXPECT_EQ(text, format_receipt({{chain, 9'007'199'254'740'993, leaves[0]},
                                  {chain, 9'007'199'254'740'994, leaves[1]}}));
  auto parsed = parse_receipt(text);
  ASSERT_TRUE(parsed);
  ASSERT_EQ(parsed->size(), 2u);
  EXPECT_EQ((*parsed)[1].chain_id, chain);
  EXPECT_EQ((*parsed)[1].seq, 9'007'199'254'740'994);
  EXPECT_EQ((*parsed)[1].leaf_hash, leaves[1]);
}

TEST(Receipt, NoLeavesNoText) {
  EXPECT_EQ(format_receipt("chain", 1, {}), "");
  EXPECT_EQ(format_receipt(std::vector<ReceiptEntry>{}), "");
}

}  // namespace
}  // namespace bronpoort::processing_log
