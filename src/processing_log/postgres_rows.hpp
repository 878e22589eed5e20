#pragma once
// Reading rows in the PostgreSQL store, inside the caller's transaction, and sending arrays.

#include <pqxx/pqxx>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace bronpoort::processing_log::postgres {

// An array parameter in PostgreSQL's binary format (what array_recv reads): a header with the
// element type and count, then each element as its length and bytes. The server takes the values
// as they are, where an array literal ('{"a","b"}') has to be scanned, unquoted and unescaped
// (array_in was 18 % of PostgreSQL's CPU in the benchmark; docs/performance.md). Texts must be
// valid UTF-8 (the writer makes them so); the server still checks them.
class BinaryArray {
 public:
  // Element type OIDs: text, bigint (int8) and integer (int4).
  static constexpr std::uint32_t kText = 25, kInt8 = 20, kInt4 = 23;
  explicit BinaryArray(std::uint32_t element_type)
      : type_(element_type), bytes_(kHeaderSpace, '\0') {}

  // The elements' bytes so far.
  std::size_t size() const { return bytes_.size() - kHeaderSpace; }
  // Room for `bytes` more element bytes (each element is 4 bytes of length and its own).
  void reserve(std::size_t bytes) { bytes_.reserve(bytes_.size() + bytes); }

  void add_text(std::string_view text) {
    put32(static_cast<std::uint32_t>(text.size()));
    bytes_.append(text);
    ++count_;
  }
  void add_int8(std::int64_t value) {
    put32(8);
    put32(static_cast<std::uint32_t>(static_cast<std::uint64_t>(value) >> 32));
    put32(static_cast<std::uint32_t>(static_cast<std::uint64_t>(value)));
    ++count_;
  }
  void add_int4(std::int32_t value) {
    put32(4);
    put32(static_cast<std::uint32_t>(value));
    ++count_;
  }

  // The parameter: header (dimensions, no NULLs, element type, then size and lower bound 1 of the
  // one dimension when there are elements) and the elements. The header goes into the space kept
  // in front of the elements, so the bytes are copied once, into the parameter.
  pqxx::binarystring param() {
    std::string header;
    put32(header, count_ == 0 ? 0 : 1);
    put32(header, 0);
    put32(header, type_);
    if (count_ > 0) {
      put32(header, count_);
      put32(header, 1);
    }
    const std::size_t start = kHeaderSpace - header.size();
    bytes_.replace(start, header.size(), header);
    return pqxx::binarystring(bytes_.data() + start, bytes_.size() - start);
  }

 private:
  static constexpr std::size_t kHeaderSpace = 20;  // the header of an array with elements

  // Big-endian, as PostgreSQL's binary formats are.
  static void put32(std::string& out, std::uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8) out += static_cast<char>((v >> shift) & 0xff);
  }
  void put32(std::uint32_t v) { put32(bytes_, v); }

  std::uint32_t type_;
  std::uint32_t count_ = 0;
  std::string bytes_;  // kHeaderSpace bytes for the header, then the elements
};

// A text parameter sent in binary format (its UTF-8 bytes), for statements whose parameters are
// all binary.
inline pqxx::binarystring binary_text(std::string_view text) {
  return pqxx::binarystring(text.data(), text.size());
}

// Every row `sql` answers for a chain (its $1; '' means every chain), each made by `row`.
template <class Read>
auto rows_for_chain(pqxx::work& txn, const std::string& sql, const std::string& chain_id,
                    Read row) {
  auto result = txn.exec_params(sql, chain_id);
  std::vector<decltype(row(result[0]))> out;
  for (const auto& r : result) out.push_back(row(r));
  return out;
}

}  // namespace bronpoort::processing_log::postgres
