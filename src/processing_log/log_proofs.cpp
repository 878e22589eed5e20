#include "chain_tree.hpp"
#include "encoding.hpp"

#include <bronpoort/processing_log/log_proofs.hpp>

#include <charconv>

namespace bronpoort::processing_log {
namespace {

nlohmann::json hex_list(const std::vector<merkle::Hash>& path) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& h : path) out.push_back(merkle::to_hex(h));
  return out;
}

std::optional<merkle::Hash> hex_member(const nlohmann::json& j, const char* key) {
  if (!j.contains(key) || !j[key].is_string()) return std::nullopt;
  return merkle::from_hex(j[key].get<std::string>());
}

std::optional<std::uint64_t> chain_size(LogStore& store, const std::string& chain_id) {
  auto head = store.chain_head(chain_id);
  return head ? static_cast<std::uint64_t>(head->seq) : 0;
}

bool parse_int(std::string_view s, std::int64_t& out) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size() && !s.empty();
}

}  // namespace

nlohmann::json InclusionProof::to_json() const {
  return {{"chainId", chain_id},
          {"seq", seq},
          {"leafIndex", leaf_index(seq)},
          {"treeSize", tree_size},
          {"leafHash", merkle::to_hex(leaf_hash)},
          {"rootHash", merkle::to_hex(root_hash)},
          {"path", hex_list(path)}};
}

std::optional<InclusionProof> InclusionProof::from_json(const nlohmann::json& j) {
  if (!j.is_object() || !j.contains("chainId") || !j["chainId"].is_string() || !j.contains("seq") ||
      !j["seq"].is_number_integer() || !j.contains("treeSize") ||
      !j["treeSize"].is_number_unsigned() || !j.contains("path") || !j["path"].is_array()) {
    return std::nullopt;
  }
  InclusionProof p;
  p.chain_id = j["chainId"].get<std::string>();
  p.seq = j["seq"].get<std::int64_t>();
  p.tree_size = j["treeSize"].get<std::uint64_t>();
  auto leaf = hex_member(j, "leafHash");
  auto root = hex_member(j, "rootHash");
  if (!leaf || !root || p.seq < 1) return std::nullopt;
  p.leaf_hash = *leaf;
  p.root_hash = *root;
  for (const auto& h : j["path"]) {
    auto hash = h.is_string() ? merkle::from_hex(h.get<std::string>()) : std::nullopt;
    if (!hash) return std::nullopt;
    p.path.push_back(*hash);
  }
  return p;
}

bool InclusionProof::verifies(const merkle::Hash& root) const {
  return seq >= 1 && merkle::verify_inclusion(leaf_hash, leaf_index(seq), tree_size, path, root);
}

nlohmann::json ConsistencyProof::to_json() const {
  return {{"chainId", chain_id},
          {"firstSize", first_size},
          {"secondSize", second_size},
          {"firstRootHash", merkle::to_hex(first_root)},
          {"secondRootHash", merkle::to_hex(second_root)},
          {"path", hex_list(path)}};
}

std::optional<merkle::Hash> stored_root(LogStore& store, const std::string& chain_id,
                                        std::uint64_t size) {
  StoredTree tree(store, chain_id);
  return merkle::range_root(tree.source(), 0, size);
}

std::optional<InclusionProof> make_inclusion_proof(LogStore& store, const std::string& chain_id,
                                                   std::int64_t seq, std::uint64_t tree_size,
                                                   ProofRefusal& refusal) {
  auto size = chain_size(store, chain_id);
  if (seq < 1 || static_cast<std::uint64_t>(seq) > tree_size) {
    refusal = {400, "invalid-parameter", "seq must be from 1 to treeSize."};
    return std::nullopt;
  }
  if (tree_size > *size) {
    refusal = {400, "tree-size-unknown",
               "The chain has " + std::to_string(*size) +
                   " records; ask for a tree size up to "
                   "that, e.g. the latest checkpoint's."};
    return std::nullopt;
  }
  StoredTree tree(store, chain_id);
  auto leaf = tree.leaf(leaf_index(seq));
  auto path = merkle::inclusion_proof(tree.source(), leaf_index(seq), tree_size);
  auto root = merkle::range_root(tree.source(), 0, tree_size);
  if (!leaf || !path || !root) {
    refusal = {404, "record-not-found",
               "Record " + std::to_string(seq) + " of chain " + chain_id +
                   " is not in the log (or records around it are missing; run verify-log)."};
    return std::nullopt;
  }
  return InclusionProof{chain_id, seq, tree_size, *leaf, *root, std::move(*path)};
}

std::optional<ConsistencyProof> make_consistency_proof(LogStore& store, const std::string& chain_id,
                                                       std::uint64_t first, std::uint64_t second,
                                                       ProofRefusal& refusal) {
  auto size = chain_size(store, chain_id);
  if (first > second) {
    refusal = {400, "invalid-parameter", "firstSize must not exceed secondSize."};
    return std::nullopt;
  }
  if (second > *size) {
    refusal = {400, "tree-size-unknown",
               "The chain has " + std::to_string(*size) + " records; secondSize is larger."};
    return std::nullopt;
  }
  StoredTree tree(store, chain_id);
  auto path = merkle::consistency_proof(tree.source(), first, second);
  auto first_root = merkle::range_root(tree.source(), 0, first);
  auto second_root = merkle::range_root(tree.source(), 0, second);
  if (!path || !first_root || !second_root) {
    refusal = {409, "log-damaged",
               "Records of chain " + chain_id + " are missing; run verify-log."};
    return std::nullopt;
  }
  return ConsistencyProof{chain_id, first, second, *first_root, *second_root, std::move(*path)};
}

namespace {

void append_receipt_entry(std::string& out, const std::string& chain_id, std::int64_t seq,
                          const merkle::Hash& leaf_hash) {
  if (!out.empty()) out += ", ";
  out += "chain=";
  out += chain_id;
  out += ";seq=";
  char digits[24];
  out.append(digits, std::to_chars(digits, digits + sizeof digits, seq).ptr);
  out += ";leaf=";
  encoding::append_hex(out, {reinterpret_cast<const char*>(leaf_hash.data()), leaf_hash.size()});
}

}  // namespace

std::string format_receipt(const std::vector<ReceiptEntry>& entries) {
  std::string out;
  for (const auto& e : entries) append_receipt_entry(out, e.chain_id, e.seq, e.leaf_hash);
  return out;
}

std::string format_receipt(const std::string& chain_id, std::int64_t first_seq,
                           const std::vector<merkle::Hash>& leaf_hashes) {
  std::string out;
  out.reserve(leaf_hashes.size() * (chain_id.size() + 96));
  for (std::size_t i = 0; i < leaf_hashes.size(); ++i) {
    append_receipt_entry(out, chain_id, first_seq + static_cast<std::int64_t>(i), leaf_hashes[i]);
  }
  return out;
}

std::optional<std::vector<ReceiptEntry>> parse_receipt(const std::string& header) {
  std::vector<ReceiptEntry> out;
  std::string_view rest = header;
  while (!rest.empty()) {
    auto comma = rest.find(',');
    std::string_view item = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    ReceiptEntry e;
    bool has_leaf = false;
    while (!item.empty()) {
      auto semi = item.find(';');
      std::string_view pair = item.substr(0, semi);
      item = semi == std::string_view::npos ? std::string_view() : item.substr(semi + 1);
      auto eq = pair.find('=');
      if (eq == std::string_view::npos) return std::nullopt;
      auto key = pair.substr(0, eq);
      auto value = pair.substr(eq + 1);
      if (key == "chain") {
        e.chain_id = std::string(value);
      } else if (key == "seq") {
        if (!parse_int(value, e.seq) || e.seq < 1) return std::nullopt;
      } else if (key == "leaf") {
        auto h = merkle::from_hex(value);
        if (!h) return std::nullopt;
        e.leaf_hash = *h;
        has_leaf = true;
      } else {
        return std::nullopt;
      }
    }
    if (e.chain_id.empty() || e.seq < 1 || !has_leaf) return std::nullopt;
    out.push_back(std::move(e));
  }
  if (out.empty()) return std::nullopt;
  return out;
}

}  // namespace bronpoort::processing_log
