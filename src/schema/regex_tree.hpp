#pragma once
// The syntax tree between parsing a pattern (regex_parse.cpp) and emitting its program
// (regex_emit.cpp).

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "ecma_regex.hpp"

namespace bronpoort::schema::detail {

struct RegexNode {
  enum class Kind { kEmpty, kChar, kClass, kAny, kConcat, kAlt, kRepeat, kAssert, kLook };
  Kind kind = Kind::kEmpty;
  char32_t c = 0;
  std::uint32_t cls = 0;
  RegexOp assert_op = RegexOp::kLineStart;  // for kAssert, and kLook (kLookahead/kNegLookahead)
  int min = 0;
  int max = -1;  // -1: unbounded
  std::vector<std::unique_ptr<RegexNode>> kids;
};

using NodePtr = std::unique_ptr<RegexNode>;

// Parses `pattern`; character classes are appended to `classes`. On failure returns nullptr
// and sets `error`.
NodePtr parse_regex(std::string_view pattern, std::vector<CharClass>& classes, std::string& error);

}  // namespace bronpoort::schema::detail
