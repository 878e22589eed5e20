// Parses an ECMA-262 pattern (u-flag syntax) into a syntax tree (regex_emit.cpp turns it into
// a program). Parsing recursion is bounded by a nesting limit so "((((..." cannot exhaust the
// stack.

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "regex_tree.hpp"

namespace bronpoort::schema::detail {
namespace {

constexpr std::size_t kMaxNesting = 128;
constexpr int kMaxRepeatBound = 1000;
constexpr char32_t kMaxCodePoint = 0x10FFFF;

NodePtr make(RegexNode::Kind kind) {
  auto n = std::make_unique<RegexNode>();
  n->kind = kind;
  return n;
}

std::vector<CharRange> complement(std::vector<CharRange> ranges) {
  std::sort(ranges.begin(), ranges.end(), [](auto a, auto b) { return a.lo < b.lo; });
  std::vector<CharRange> out;
  char32_t next = 0;
  for (auto r : ranges) {
    if (r.lo > next) out.push_back({next, r.lo - 1});
    if (r.hi + 1 > next) next = r.hi + 1;
  }
  if (next <= kMaxCodePoint) out.push_back({next, kMaxCodePoint});
  return out;
}

const std::vector<CharRange> kDigits = {{'0', '9'}};
const std::vector<CharRange> kWord = {{'0', '9'}, {'A', 'Z'}, {'_', '_'}, {'a', 'z'}};
const std::vector<CharRange> kSpaces = {
    {0x09, 0x0D},     {0x20, 0x20},     {0xA0, 0xA0},     {0x1680, 0x1680}, {0x2000, 0x200A},
    {0x2028, 0x2029}, {0x202F, 0x202F}, {0x205F, 0x205F}, {0x3000, 0x3000}, {0xFEFF, 0xFEFF}};

}  // namespace

class RegexParser {
 public:
  RegexParser(std::string_view pattern, std::vector<CharClass>& classes) : classes_(classes) {
    std::size_t pos = 0;
    while (pos < pattern.size()) cps_.push_back(decode_utf8(pattern, pos));
  }

  NodePtr parse(std::string& error) {
    auto node = disjunction(0);
    if (error_.empty() && pos_ < cps_.size()) fail("unmatched ')'");
    if (!error_.empty()) {
      error = error_;
      return nullptr;
    }
    return node;
  }

 private:
  std::vector<CharClass>& classes_;
  std::vector<char32_t> cps_;
  std::size_t pos_ = 0;
  std::string error_;

  bool at_end() const { return pos_ >= cps_.size(); }
  char32_t peek() const { return at_end() ? 0 : cps_[pos_]; }
  bool accept(char32_t c) {
    if (!at_end() && cps_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  void fail(const std::string& why) {
    if (error_.empty()) error_ = why + " at offset " + std::to_string(pos_);
  }

  NodePtr disjunction(std::size_t depth) {
    if (depth > kMaxNesting) {
      fail("pattern nests too deeply");
      return make(RegexNode::Kind::kEmpty);
    }
    auto first = alternative(depth);
    if (peek() != '|') return first;
    auto alt = make(RegexNode::Kind::kAlt);
    alt->kids.push_back(std::move(first));
    while (error_.empty() && accept('|')) alt->kids.push_back(alternative(depth));
    return alt;
  }

  NodePtr alternative(std::size_t depth) {
    auto seq = make(RegexNode::Kind::kConcat);
    while (error_.empty() && !at_end() && peek() != '|' && peek() != ')') {
      auto atom = term(depth);
      if (atom) seq->kids.push_back(std::move(atom));
    }
    return seq;
  }

  NodePtr term(std::size_t depth) {
    char32_t c = peek();
    if (c == '^' || c == '$') {
      ++pos_;
      auto a = make(RegexNode::Kind::kAssert);
      a->assert_op = c == '^' ? RegexOp::kLineStart : RegexOp::kLineEnd;
      return no_quantifier(std::move(a));
    }
    if (c == '\\' && pos_ + 1 < cps_.size() && (cps_[pos_ + 1] == 'b' || cps_[pos_ + 1] == 'B')) {
      pos_ += 2;
      auto a = make(RegexNode::Kind::kAssert);
      a->assert_op = cps_[pos_ - 1] == 'b' ? RegexOp::kWordBoundary : RegexOp::kNotWordBoundary;
      return no_quantifier(std::move(a));
    }
    NodePtr a = atom(depth);
    if (!error_.empty()) return nullptr;
    return quantified(std::move(a));
  }

  NodePtr no_quantifier(NodePtr n) {
    char32_t c = peek();
    if (c == '*' || c == '+' || c == '?' || c == '{') fail("nothing to repeat");
    return n;
  }

  bool parse_int(int& value) {
    std::size_t start = pos_;
    long long v = 0;
    while (!at_end() && peek() >= '0' && peek() <= '9') {
      v = std::min<long long>(v * 10 + (peek() - '0'), 1'000'000'000);
      ++pos_;
    }
    value = static_cast<int>(v);
    return pos_ > start;
  }

  NodePtr quantified(NodePtr a) {
    int min = 0, max = -1;
    char32_t c = peek();
    if (c == '*') {
      ++pos_;
    } else if (c == '+') {
      ++pos_;
      min = 1;
    } else if (c == '?') {
      ++pos_;
      max = 1;
    } else if (c == '{') {
      ++pos_;
      if (!parse_int(min)) return fail("incomplete quantifier"), nullptr;
      max = min;
      if (accept(',')) {
        max = -1;
        if (peek() != '}' && !parse_int(max)) return fail("incomplete quantifier"), nullptr;
      }
      if (!accept('}')) return fail("incomplete quantifier"), nullptr;
      if (max != -1 && max < min) return fail("numbers out of order in quantifier"), nullptr;
      if (min > kMaxRepeatBound || max > kMaxRepeatBound) {
        return fail("repetition bound above " + std::to_string(kMaxRepeatBound)), nullptr;
      }
    } else {
      return a;
    }
    accept('?');  // lazy and greedy match the same strings; only the yes/no answer matters
    auto rep = make(RegexNode::Kind::kRepeat);
    rep->min = min;
    rep->max = max;
    rep->kids.push_back(std::move(a));
    return rep;
  }

  NodePtr atom(std::size_t depth) {
    char32_t c = peek();
    ++pos_;
    switch (c) {
      case '.':
        return make(RegexNode::Kind::kAny);
      case '(':
        return group(depth);
      case '[':
        return class_atom();
      case '\\':
        return escape_atom();
      case '*':
      case '+':
      case '?':
      case '{':
        fail("nothing to repeat");
        return nullptr;
      case '}':
      case ']':
        fail("lone quantifier bracket");
        return nullptr;
      default:
        return char_node(c);
    }
  }

  NodePtr char_node(char32_t c) {
    auto n = make(RegexNode::Kind::kChar);
    n->c = c;
    return n;
  }

  NodePtr group(std::size_t depth) {
    NodePtr inner;
    if (accept('?')) {
      if (accept(':')) {
        inner = disjunction(depth + 1);
      } else if (accept('=') || accept('!')) {
        bool negative = cps_[pos_ - 1] == '!';
        auto look = make(RegexNode::Kind::kLook);
        look->assert_op = negative ? RegexOp::kNegLookahead : RegexOp::kLookahead;
        look->kids.push_back(disjunction(depth + 1));
        if (!accept(')')) fail("missing ')'");
        return no_quantifier(std::move(look));
      } else if (accept('<')) {
        if (peek() == '=' || peek() == '!') return fail("lookbehind is not supported"), nullptr;
        while (!at_end() && peek() != '>') {
          char32_t n = peek();
          bool ok = n == '_' || n == '$' || (n >= 'a' && n <= 'z') || (n >= 'A' && n <= 'Z') ||
                    (n >= '0' && n <= '9') || n > 0x7F;
          if (!ok) return fail("invalid group name"), nullptr;
          ++pos_;
        }
        if (!accept('>')) return fail("invalid group name"), nullptr;
        inner = disjunction(depth + 1);
      } else {
        return fail("invalid group"), nullptr;
      }
    } else {
      inner = disjunction(depth + 1);
    }
    if (!accept(')')) fail("missing ')'");
    return inner;
  }

  bool hex_digits(int count, char32_t& value) {
    value = 0;
    for (int i = 0; i < count; ++i) {
      if (at_end()) return false;
      char32_t h = peek();
      int d = h >= '0' && h <= '9'   ? h - '0'
              : h >= 'a' && h <= 'f' ? h - 'a' + 10
              : h >= 'A' && h <= 'F' ? h - 'A' + 10
                                     : -1;
      if (d < 0) return false;
      value = value * 16 + d;
      ++pos_;
    }
    return true;
  }

  // \u escapes: \uHHHH, a surrogate pair of them, or \u{H...}.
  bool unicode_escape(char32_t& cp) {
    if (accept('{')) {
      cp = 0;
      std::size_t n = 0;
      char32_t d;
      while (!at_end() && peek() != '}') {
        if (!hex_digits(1, d) || ++n > 6) return false;
        cp = cp * 16 + d;
      }
      return accept('}') && n > 0 && cp <= kMaxCodePoint;
    }
    if (!hex_digits(4, cp)) return false;
    if (cp >= 0xD800 && cp <= 0xDBFF && pos_ + 1 < cps_.size() && peek() == '\\' &&
        cps_[pos_ + 1] == 'u') {
      std::size_t save = pos_;
      pos_ += 2;
      char32_t low;
      if (hex_digits(4, low) && low >= 0xDC00 && low <= 0xDFFF) {
        cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
      } else {
        pos_ = save;
      }
    }
    return true;
  }

  bool property(bool negated, CharClass& cls) {
    if (!accept('{')) return fail("invalid property name"), false;
    std::string name;
    while (!at_end() && peek() != '}') name.push_back(static_cast<char>(cps_[pos_++] & 0x7F));
    if (!accept('}')) return fail("invalid property name"), false;
    for (const char* prefix : {"General_Category=", "gc="}) {
      if (name.rfind(prefix, 0) == 0) name = name.substr(std::string(prefix).size());
    }
    UnicodeProperty p;
    if (name == "L" || name == "Letter" || name == "Alphabetic" || name == "Alpha") {
      p = UnicodeProperty::kLetter;
    } else if (name == "Lu" || name == "Uppercase_Letter" || name == "Uppercase") {
      p = UnicodeProperty::kUppercase;
    } else if (name == "Ll" || name == "Lowercase_Letter" || name == "Lowercase") {
      p = UnicodeProperty::kLowercase;
    } else if (name == "Nd" || name == "Decimal_Number" || name == "digit") {
      p = UnicodeProperty::kDigit;
    } else if (name == "White_Space" || name == "space") {
      p = UnicodeProperty::kSpace;
    } else if (name == "P" || name == "Punctuation" || name == "punct") {
      p = UnicodeProperty::kPunct;
    } else {
      return fail("unsupported Unicode property '" + name + "'"), false;
    }
    (negated ? cls.not_properties : cls.properties).push_back(p);
    return true;
  }

  // One escape in a class or as an atom. Sets `single` for a single code point, otherwise adds
  // the set to `cls` and leaves `single` false.
  bool escape(bool in_class, CharClass& cls, bool& single, char32_t& cp) {
    single = true;
    if (at_end()) return fail("\\ at end of pattern"), false;
    char32_t c = cps_[pos_++];
    auto add = [&](const std::vector<CharRange>& r, bool neg) {
      single = false;
      auto set = neg ? complement(r) : r;
      cls.ranges.insert(cls.ranges.end(), set.begin(), set.end());
      return true;
    };
    switch (c) {
      case 'd':
        return add(kDigits, false);
      case 'D':
        return add(kDigits, true);
      case 'w':
        return add(kWord, false);
      case 'W':
        return add(kWord, true);
      case 's':
        return add(kSpaces, false);
      case 'S':
        return add(kSpaces, true);
      case 'p':
      case 'P':
        single = false;
        return property(c == 'P', cls);
      case 'n':
        cp = '\n';
        return true;
      case 'r':
        cp = '\r';
        return true;
      case 't':
        cp = '\t';
        return true;
      case 'f':
        cp = '\f';
        return true;
      case 'v':
        cp = '\v';
        return true;
      case 'b':
        cp = '\b';  // only reached inside a class
        return true;
      case '0':
        if (peek() >= '0' && peek() <= '9') return fail("invalid decimal escape"), false;
        cp = 0;
        return true;
      case 'c': {
        char32_t l = peek();
        if (!((l >= 'a' && l <= 'z') || (l >= 'A' && l <= 'Z'))) return fail("invalid \\c"), false;
        ++pos_;
        cp = l % 32;
        return true;
      }
      case 'x':
        if (!hex_digits(2, cp)) return fail("invalid \\x escape"), false;
        return true;
      case 'u':
        if (!unicode_escape(cp)) return fail("invalid \\u escape"), false;
        return true;
      case '-':
        if (!in_class) return fail("invalid escape \\-"), false;
        cp = c;
        return true;
      default:
        if (c >= '1' && c <= '9') return fail("backreferences are not supported"), false;
        if (std::u32string_view(U"^$\\.*+?()[]{}|/").find(c) != std::u32string_view::npos) {
          cp = c;
          return true;
        }
        return fail("invalid escape"), false;
    }
  }

  NodePtr escape_atom() {
    CharClass cls;
    bool single;
    char32_t cp = 0;
    if (!escape(false, cls, single, cp)) return nullptr;
    if (single) return char_node(cp);
    return class_node(std::move(cls));
  }

  NodePtr class_node(CharClass cls) {
    auto n = make(RegexNode::Kind::kClass);
    n->cls = static_cast<std::uint32_t>(classes_.size());
    classes_.push_back(std::move(cls));
    return n;
  }

  // One class atom: a code point (single=true) or a set merged into `cls`.
  bool class_member(CharClass& cls, bool& single, char32_t& cp) {
    if (at_end()) return fail("missing ']'"), false;
    char32_t c = cps_[pos_++];
    if (c == '\\') return escape(true, cls, single, cp);
    single = true;
    cp = c;
    return true;
  }

  NodePtr class_atom() {
    CharClass cls;
    cls.negated = accept('^');
    while (error_.empty() && !accept(']')) {
      bool single;
      char32_t lo;
      if (!class_member(cls, single, lo)) return nullptr;
      if (peek() == '-' && pos_ + 1 < cps_.size() && cps_[pos_ + 1] != ']') {
        ++pos_;
        bool single_hi;
        char32_t hi;
        if (!class_member(cls, single_hi, hi)) return nullptr;
        if (!single || !single_hi) return fail("invalid character class range"), nullptr;
        if (hi < lo) return fail("range out of order in character class"), nullptr;
        cls.ranges.push_back({lo, hi});
      } else if (single) {
        cls.ranges.push_back({lo, lo});
      }
    }
    return class_node(std::move(cls));
  }
};

NodePtr parse_regex(std::string_view pattern, std::vector<CharClass>& classes, std::string& error) {
  RegexParser parser(pattern, classes);
  return parser.parse(error);
}

}  // namespace bronpoort::schema::detail
