// Emits the instruction program for a parsed pattern: Thompson's construction, with counted
// repetition expanded (bounded by the program-size limit).

#include <memory>
#include <string>
#include <vector>

#include "regex_tree.hpp"

namespace bronpoort::schema::detail {

class RegexEmitter {
 public:
  RegexEmitter(std::vector<RegexInst>& program, std::size_t max) : program_(program), max_(max) {}

  bool emit(const RegexNode& n) {
    if (program_.size() > max_) return false;
    using K = RegexNode::Kind;
    switch (n.kind) {
      case K::kEmpty:
        return true;
      case K::kChar:
        return push({RegexOp::kChar, 0, 0, n.c});
      case K::kClass:
        return push({RegexOp::kClass, n.cls, 0, 0});
      case K::kAny:
        return push({RegexOp::kAny});
      case K::kAssert:
        return push({n.assert_op});
      case K::kConcat:
        for (const auto& k : n.kids) {
          if (!emit(*k)) return false;
        }
        return true;
      case K::kAlt:
        return alternation(n, 0);
      case K::kLook: {
        std::size_t at = program_.size();
        push({n.assert_op, static_cast<std::uint32_t>(at + 1)});
        if (!emit(*n.kids[0]) || !push({RegexOp::kMatch})) return false;
        program_[at].y = here();
        return true;
      }
      case K::kRepeat:
        return repeat(n);
    }
    return false;
  }

 private:
  std::vector<RegexInst>& program_;
  std::size_t max_;

  std::uint32_t here() const { return static_cast<std::uint32_t>(program_.size()); }
  bool push(RegexInst inst) {
    program_.push_back(inst);
    return program_.size() <= max_;
  }

  bool alternation(const RegexNode& n, std::size_t i) {
    if (i + 1 == n.kids.size()) return emit(*n.kids[i]);
    std::size_t split = program_.size();
    push({RegexOp::kSplit, here() + 1});
    if (!emit(*n.kids[i])) return false;
    std::size_t jump = program_.size();
    push({RegexOp::kJump});
    program_[split].y = here();
    if (!alternation(n, i + 1)) return false;
    program_[jump].x = here();
    return true;
  }

  bool repeat(const RegexNode& n) {
    const RegexNode& body = *n.kids[0];
    for (int i = 0; i < n.min; ++i) {
      if (!emit(body)) return false;
    }
    if (n.max == -1) {
      std::uint32_t loop = here();
      push({RegexOp::kSplit, loop + 1});
      if (!emit(body)) return false;
      push({RegexOp::kJump, loop});
      program_[loop].y = here();
      return program_.size() <= max_;
    }
    std::vector<std::size_t> splits;
    for (int i = n.min; i < n.max; ++i) {
      splits.push_back(program_.size());
      push({RegexOp::kSplit, here() + 1});
      if (!emit(body)) return false;
    }
    for (auto s : splits) program_[s].y = here();
    return program_.size() <= max_;
  }
};

std::unique_ptr<EcmaRegex> EcmaRegex::compile(std::string_view pattern, std::size_t max_program,
                                              std::string& error) {
  auto re = std::unique_ptr<EcmaRegex>(new EcmaRegex());
  re->source_ = std::string(pattern);
  NodePtr tree = parse_regex(pattern, re->classes_, error);
  if (!tree) return nullptr;
  RegexEmitter emitter(re->program_, max_program);
  if (!emitter.emit(*tree) || re->program_.size() + 1 > max_program) {
    error = "pattern compiles to more than " + std::to_string(max_program) + " instructions";
    return nullptr;
  }
  re->program_.push_back({RegexOp::kMatch});
  re->start_ = 0;
  re->anchored_ = re->program_[0].op == RegexOp::kLineStart;
  for (auto& cls : re->classes_) cls.finish();
  for (const auto& inst : re->program_) {
    if (inst.op == RegexOp::kLookahead || inst.op == RegexOp::kNegLookahead)
      re->has_lookaround_ = true;
  }
  return re;
}

}  // namespace bronpoort::schema::detail
