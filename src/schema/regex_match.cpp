// The Pike VM: simulates every regex thread in lock-step over the input, so time is
// O(program x input) (bounded further by a step budget) and memory is O(program). Scratch
// buffers are thread_local and reused, so a match on the hot path does not allocate once warm.

#include <clocale>
#include <cwctype>
#include <deque>
#include <vector>

#include <locale.h>

#include "ecma_regex.hpp"

namespace bronpoort::schema::detail {

char32_t decode_utf8(std::string_view s, std::size_t& pos) {
  auto b = static_cast<unsigned char>(s[pos]);
  int len = b < 0x80 ? 1 : (b >> 5) == 0x6 ? 2 : (b >> 4) == 0xE ? 3 : (b >> 3) == 0x1E ? 4 : 0;
  if (len == 1) {
    ++pos;
    return b;
  }
  if (len == 0 || pos + len > s.size()) {
    ++pos;
    return 0xFFFD;
  }
  char32_t cp = b & (0x7F >> len);
  for (int i = 1; i < len; ++i) {
    auto cont = static_cast<unsigned char>(s[pos + i]);
    if ((cont & 0xC0) != 0x80) {
      ++pos;
      return 0xFFFD;
    }
    cp = (cp << 6) | (cont & 0x3F);
  }
  pos += len;
  return cp;
}

namespace {

// Unicode classification from glibc's built-in C.UTF-8 locale (an approximation of the
// General_Category tables; see docs/schema-validator.md).
locale_t unicode_locale() {
  static locale_t loc = newlocale(LC_CTYPE_MASK, "C.UTF-8", static_cast<locale_t>(nullptr));
  return loc;
}

bool has_property(UnicodeProperty p, char32_t c) {
  locale_t loc = unicode_locale();
  auto w = static_cast<wint_t>(c);
  if (!loc) return c < 0x80 && has_property(p, c);  // unreachable on glibc >= 2.35
  switch (p) {
    case UnicodeProperty::kLetter:
      return iswalpha_l(w, loc) && !(c >= '0' && c <= '9');
    case UnicodeProperty::kUppercase:
      return iswupper_l(w, loc);
    case UnicodeProperty::kLowercase:
      return iswlower_l(w, loc);
    case UnicodeProperty::kDigit:
      return iswdigit_l(w, loc);
    case UnicodeProperty::kSpace:
      return iswspace_l(w, loc) || c == 0xA0 || c == 0xFEFF;
    case UnicodeProperty::kPunct:
      return iswpunct_l(w, loc);
  }
  return false;
}

bool is_line_terminator(char32_t c) {
  return c == '\n' || c == '\r' || c == 0x2028 || c == 0x2029;
}

bool is_word(char32_t c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// A set of program counters with O(1) insert, membership and clear.
struct ThreadList {
  std::vector<std::uint32_t> dense;
  std::vector<std::uint32_t> sparse;
  std::size_t size = 0;

  void reset(std::size_t program_size) {
    if (sparse.size() < program_size) {
      sparse.resize(program_size);
      dense.resize(program_size);
    }
    size = 0;
  }
  bool contains(std::uint32_t pc) const { return sparse[pc] < size && dense[sparse[pc]] == pc; }
  void insert(std::uint32_t pc) {
    sparse[pc] = static_cast<std::uint32_t>(size);
    dense[size++] = pc;
  }
};

struct Scratch {
  ThreadList current;
  ThreadList next;
  std::vector<std::uint32_t> stack;
};

}  // namespace

void CharClass::finish() {
  ascii[0] = ascii[1] = 0;
  for (char32_t c = 0; c < 128; ++c) {
    if (contains_slow(c)) ascii[c >> 6] |= std::uint64_t{1} << (c & 63);
  }
}

bool CharClass::contains_slow(char32_t c) const {
  bool in = false;
  for (auto r : ranges) {
    if (c >= r.lo && c <= r.hi) {
      in = true;
      break;
    }
  }
  if (!in) {
    for (auto p : properties) in = in || has_property(p, c);
    for (auto p : not_properties) in = in || !has_property(p, c);
  }
  return in != negated;
}

class RegexVm {
 public:
  RegexVm(const EcmaRegex& re, const std::vector<char32_t>& text, std::size_t max_steps)
      : re_(re), text_(text), max_steps_(max_steps) {}

  // Runs the program from `start` at text position `from`. Unanchored: a new thread starts at
  // every position (search); anchored: only at `from` (lookahead bodies).
  RegexOutcome run(std::uint32_t start, std::size_t from, bool unanchored, std::size_t depth) {
    // A deque: growing it for a nested lookahead keeps references to outer levels valid.
    static thread_local std::deque<Scratch> pool;
    if (pool.size() <= depth) pool.resize(depth + 1);
    Scratch& s = pool[depth];
    const std::size_t n = re_.program_.size();
    s.current.reset(n);
    s.next.reset(n);
    for (std::size_t pos = from;; ++pos) {
      if (pos == from || unanchored) {
        if (add(s, s.current, start, pos, depth)) return result(true);
      }
      if (limited_) return RegexOutcome::kStepLimit;
      if (pos >= text_.size() || (s.current.size == 0 && !unanchored)) break;
      const char32_t c = text_[pos];
      s.next.size = 0;
      for (std::size_t i = 0; i < s.current.size; ++i) {
        std::uint32_t pc = s.current.dense[i];
        const RegexInst& inst = re_.program_[pc];
        bool consumes = (inst.op == RegexOp::kChar && inst.c == c) ||
                        (inst.op == RegexOp::kAny && !is_line_terminator(c)) ||
                        (inst.op == RegexOp::kClass && re_.classes_[inst.x].contains(c));
        if (consumes && add(s, s.next, pc + 1, pos + 1, depth)) return result(true);
        if (limited_) return RegexOutcome::kStepLimit;
      }
      std::swap(s.current, s.next);
    }
    return result(false);
  }

 private:
  const EcmaRegex& re_;
  const std::vector<char32_t>& text_;
  std::size_t max_steps_;
  std::size_t steps_ = 0;
  bool limited_ = false;

  RegexOutcome result(bool matched) const {
    if (limited_) return RegexOutcome::kStepLimit;
    return matched ? RegexOutcome::kMatch : RegexOutcome::kNoMatch;
  }

  bool word_at(std::size_t pos) const { return pos < text_.size() && is_word(text_[pos]); }

  // Follows the non-consuming instructions from `pc` at `pos`, adding consuming ones to `list`.
  // Returns true when a Match instruction is reached.
  bool add(Scratch& s, ThreadList& list, std::uint32_t pc0, std::size_t pos, std::size_t depth) {
    auto& stack = s.stack;
    std::size_t base = stack.size();
    stack.push_back(pc0);
    bool matched = false;
    while (stack.size() > base && !matched) {
      std::uint32_t pc = stack.back();
      stack.pop_back();
      if (list.contains(pc)) continue;
      list.insert(pc);
      if (++steps_ > max_steps_) {
        limited_ = true;
        break;
      }
      const RegexInst& inst = re_.program_[pc];
      switch (inst.op) {
        case RegexOp::kMatch:
          matched = true;
          break;
        case RegexOp::kJump:
          stack.push_back(inst.x);
          break;
        case RegexOp::kSplit:
          stack.push_back(inst.y);
          stack.push_back(inst.x);
          break;
        case RegexOp::kLineStart:
          if (pos == 0) stack.push_back(pc + 1);
          break;
        case RegexOp::kLineEnd:
          if (pos == text_.size()) stack.push_back(pc + 1);
          break;
        case RegexOp::kWordBoundary:
        case RegexOp::kNotWordBoundary: {
          bool boundary = (pos > 0 && word_at(pos - 1)) != word_at(pos);
          if (boundary == (inst.op == RegexOp::kWordBoundary)) stack.push_back(pc + 1);
          break;
        }
        case RegexOp::kLookahead:
        case RegexOp::kNegLookahead: {
          RegexOutcome sub = run(inst.x, pos, false, depth + 1);
          if (sub == RegexOutcome::kStepLimit) {
            limited_ = true;
            break;
          }
          if ((sub == RegexOutcome::kMatch) == (inst.op == RegexOp::kLookahead)) {
            stack.push_back(inst.y);
          }
          break;
        }
        default:
          break;  // consuming instruction: stays in the list for the next step
      }
    }
    stack.resize(base);
    return matched && !limited_;
  }
};

RegexOutcome EcmaRegex::backtrack(const std::vector<char32_t>& text, std::size_t max_steps) const {
  static thread_local std::vector<std::uint64_t> visited;
  static thread_local std::vector<std::pair<std::uint32_t, std::size_t>> stack;
  const std::size_t n = text.size();
  const std::size_t m = program_.size();
  visited.assign(((n + 1) * m + 63) / 64, 0);
  stack.clear();
  std::size_t steps = 0;
  auto word_at = [&](std::size_t pos) { return pos < n && is_word(text[pos]); };
  for (std::size_t start = 0; start <= n; ++start) {
    stack.emplace_back(start_, start);
    while (!stack.empty()) {
      auto [pc, pos] = stack.back();
      stack.pop_back();
      while (true) {
        std::size_t bit = pos * m + pc;
        if (visited[bit >> 6] & (std::uint64_t{1} << (bit & 63))) break;
        visited[bit >> 6] |= std::uint64_t{1} << (bit & 63);
        if (++steps > max_steps) return RegexOutcome::kStepLimit;
        const RegexInst& inst = program_[pc];
        bool next = false;
        switch (inst.op) {
          case RegexOp::kMatch:
            return RegexOutcome::kMatch;
          case RegexOp::kChar:
            next = pos < n && text[pos] == inst.c;
            break;
          case RegexOp::kAny:
            next = pos < n && !is_line_terminator(text[pos]);
            break;
          case RegexOp::kClass:
            next = pos < n && classes_[inst.x].contains(text[pos]);
            break;
          case RegexOp::kSplit:
            stack.emplace_back(inst.y, pos);
            pc = inst.x;
            continue;
          case RegexOp::kJump:
            pc = inst.x;
            continue;
          case RegexOp::kLineStart:
            if (pos != 0) break;
            ++pc;
            continue;
          case RegexOp::kLineEnd:
            if (pos != n) break;
            ++pc;
            continue;
          case RegexOp::kWordBoundary:
          case RegexOp::kNotWordBoundary: {
            bool boundary = (pos > 0 && word_at(pos - 1)) != word_at(pos);
            if (boundary != (inst.op == RegexOp::kWordBoundary)) break;
            ++pc;
            continue;
          }
          default:
            break;  // lookaround programs never come here
        }
        if (!next) break;
        ++pc;
        ++pos;
      }
    }
    if (anchored_) break;
  }
  return RegexOutcome::kNoMatch;
}

RegexOutcome EcmaRegex::search(std::string_view text, std::size_t max_steps) const {
  static thread_local std::deque<std::vector<char32_t>> buffers;
  static thread_local std::size_t nesting = 0;
  if (buffers.size() <= nesting) buffers.resize(nesting + 1);
  std::vector<char32_t>& cps = buffers[nesting];
  cps.clear();
  for (std::size_t pos = 0; pos < text.size();) cps.push_back(decode_utf8(text, pos));
  if (!has_lookaround_ && (cps.size() + 1) * program_.size() <= 256 * 1024) {
    return backtrack(cps, max_steps + 32 * cps.size());
  }
  ++nesting;
  // Linear work is always allowed (a long but ordinary subject must not fail); the fixed budget
  // on top bounds what pathological patterns can add.
  RegexVm vm(*this, cps, max_steps + 32 * cps.size());
  RegexOutcome out = vm.run(start_, 0, !anchored_, 0);
  --nesting;
  return out;
}

}  // namespace bronpoort::schema::detail
