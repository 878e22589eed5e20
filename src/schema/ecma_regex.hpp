#pragma once
// A regular-expression engine for JSON Schema `pattern`, `patternProperties` and
// `format: regex`, with ECMA-262 syntax (as with the `u` flag: patterns and subjects are Unicode
// code points) and a Thompson/Pike-VM matcher.
//
// Why not std::regex: it recurses once per input character (long strings overflow the stack),
// backtracks exponentially on patterns like (a*)*b, and has no Unicode semantics. The Pike VM runs
// in O(pattern x input) time with memory bounded by the pattern size, and a step budget bounds
// even that. Backreferences and lookbehind are rejected at compile time (they are not regular
// and are practically absent from schemas); lookahead is supported.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace bronpoort::schema::detail {

enum class RegexOp : std::uint8_t {
  kChar,       // one code point == c
  kClass,      // code point in classes[arg]
  kAny,        // any code point except line terminators
  kSplit,      // fork to x and y (x preferred; irrelevant for a yes/no answer)
  kJump,       // continue at x
  kLineStart,  // ^ (no multiline flag: start of input)
  kLineEnd,    // $ (end of input)
  kWordBoundary,
  kNotWordBoundary,
  kLookahead,  // sub-program at x must match here; continue at y
  kNegLookahead,
  kMatch,
};

struct RegexInst {
  RegexOp op;
  std::uint32_t x = 0;
  std::uint32_t y = 0;
  char32_t c = 0;
};

struct CharRange {
  char32_t lo;
  char32_t hi;
};

enum class UnicodeProperty : std::uint8_t {
  kLetter,
  kUppercase,
  kLowercase,
  kDigit,
  kSpace,
  kPunct
};

struct CharClass {
  std::vector<CharRange> ranges;
  std::vector<UnicodeProperty> properties;      // \p{...} inside the class
  std::vector<UnicodeProperty> not_properties;  // \P{...} inside the class
  bool negated = false;
  std::uint64_t ascii[2] = {0, 0};  // answers for U+0000..U+007F, filled by finish()

  void finish();  // precomputes the ASCII answers: the common case costs one bit test
  bool contains(char32_t c) const {
    if (c < 128) return (ascii[c >> 6] >> (c & 63)) & 1;
    return contains_slow(c);
  }
  bool contains_slow(char32_t c) const;
};

enum class RegexOutcome { kMatch, kNoMatch, kStepLimit };

class EcmaRegex {
 public:
  // Compiles `pattern`; on failure returns nullptr and sets `error`.
  static std::unique_ptr<EcmaRegex> compile(std::string_view pattern, std::size_t max_program,
                                            std::string& error);

  // Unanchored search, as ECMA-262 RegExp.prototype.test does. `text` is UTF-8.
  RegexOutcome search(std::string_view text, std::size_t max_steps) const;

  const std::string& source() const { return source_; }

 private:
  friend class RegexVm;
  std::string source_;
  std::vector<RegexInst> program_;
  std::vector<CharClass> classes_;
  std::uint32_t start_ = 0;
  bool anchored_ = false;  // begins with ^: a match can only start at offset 0
  bool has_lookaround_ = false;

  // Bit-state backtracking (as in RE2): a depth-first search that visits each (instruction,
  // position) pair at most once, so it is as linear as the Pike VM but much cheaper for the
  // short strings records hold. Used when program x subject fits a small bitmap.
  RegexOutcome backtrack(const std::vector<char32_t>& text, std::size_t max_steps) const;
};

// Decodes one UTF-8 code point at `pos`, advancing it; invalid bytes decode as U+FFFD.
char32_t decode_utf8(std::string_view s, std::size_t& pos);

}  // namespace bronpoort::schema::detail
