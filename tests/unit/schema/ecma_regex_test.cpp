// The ECMA-262 regex engine behind `pattern`: syntax accepted and refused, Unicode semantics,
// and the ECMA definitions of \d, \w, \s and `.`.

#include <gtest/gtest.h>

#include "../../../src/schema/ecma_regex.hpp"

namespace bronpoort::schema::detail {
namespace {

bool matches(const std::string& pattern, const std::string& text) {
  std::string error;
  auto re = EcmaRegex::compile(pattern, 20000, error);
  EXPECT_TRUE(re) << pattern << ": " << error;
  return re && re->search(text, 1'000'000) == RegexOutcome::kMatch;
}

bool compiles(const std::string& pattern) {
  std::string error;
  return EcmaRegex::compile(pattern, 20000, error) != nullptr;
}

TEST(EcmaRegex, SearchIsUnanchoredUnlessAnchored) {
  EXPECT_TRUE(matches("b", "abc"));
  EXPECT_FALSE(matches("^b", "abc"));
  EXPECT_TRUE(matches("c$", "abc"));
  EXPECT_FALSE(matches("^abc$", "abcd"));
  EXPECT_TRUE(matches("", "anything"));
}

TEST(EcmaRegex, QuantifiersAlternationAndGroups) {
  EXPECT_TRUE(matches("^(ab|cd){2,3}$", "abcdab"));
  EXPECT_FALSE(matches("^(ab|cd){2,3}$", "ab"));
  EXPECT_FALSE(matches("^(ab|cd){2,3}$", "abababab"));
  EXPECT_TRUE(matches("^a{2}$", "aa"));
  EXPECT_TRUE(matches("^a{2,}$", "aaaaa"));
  EXPECT_TRUE(matches("^a+?b*?c??$", "aab"));
  EXPECT_TRUE(matches("^(?:x|y)+$", "xyyx"));
  EXPECT_TRUE(matches("^(?<year>\\d{4})-\\d{2}$", "2024-01"));
}

TEST(EcmaRegex, ClassesAndEscapes) {
  EXPECT_TRUE(matches("^[a-z0-9_-]+$", "a-b_9"));
  EXPECT_FALSE(matches("^[^a-z]+$", "aB"));
  EXPECT_TRUE(matches("^[\\d\\s]+$", "1 2\t3"));
  EXPECT_TRUE(matches("^\\x41\\u0042\\u{43}$", "ABC"));
  EXPECT_TRUE(matches("^\\uD83D\\uDE00$", "\xF0\x9F\x98\x80"));  // surrogate pair = U+1F600
  EXPECT_TRUE(matches("^\\.\\*\\/$", ".*/"));
  EXPECT_TRUE(matches("^[\\-\\]]+$", "-]"));
}

TEST(EcmaRegex, EcmaMeaningOfShorthandClasses) {
  EXPECT_FALSE(matches("^\\d$", "\xD9\xA1"));     // ARABIC-INDIC DIGIT ONE is not \d
  EXPECT_FALSE(matches("^\\w$", "\xC3\xA9"));     // é is not \w
  EXPECT_TRUE(matches("^\\s$", "\xC2\xA0"));      // NO-BREAK SPACE is \s
  EXPECT_TRUE(matches("^\\s$", "\xEF\xBB\xBF"));  // BOM is \s
  EXPECT_FALSE(matches("^.$", "\n"));
  EXPECT_FALSE(matches("^.$", "\xE2\x80\xA8"));     // LINE SEPARATOR
  EXPECT_TRUE(matches("^.$", "\xF0\x9F\x98\x80"));  // one code point, not two UTF-16 units
}

TEST(EcmaRegex, UnicodePropertyEscapes) {
  EXPECT_TRUE(matches("^\\p{L}+$", "\xC3\x85ngstr\xC3\xB6m"));
  EXPECT_FALSE(matches("^\\p{L}+$", "abc1"));
  EXPECT_TRUE(matches("^\\p{Lu}\\p{Ll}+$", "\xC3\x89lan"));
  EXPECT_TRUE(matches("^\\P{L}+$", "123"));
  EXPECT_FALSE(compiles("\\p{Script=Greek}"));  // not built in: refused, not misread
}

TEST(EcmaRegex, AssertionsAndLookahead) {
  EXPECT_TRUE(matches("\\bfoo\\b", "a foo b"));
  EXPECT_FALSE(matches("\\bfoo\\b", "afoob"));
  EXPECT_TRUE(matches("\\Bfoo", "afoo"));
  EXPECT_TRUE(matches("^(?=.*\\d)(?=.*[a-z]).{8,}$", "passw0rdx"));
  EXPECT_FALSE(matches("^(?=.*\\d)(?=.*[a-z]).{8,}$", "password"));
  EXPECT_TRUE(matches("^(?!admin$).*$", "administrator"));
  EXPECT_FALSE(matches("^(?!admin$).*$", "admin"));
}

TEST(EcmaRegex, RefusesWhatEcmaWithUnicodeFlagRefuses) {
  EXPECT_FALSE(compiles("^\\S(|(.|\\n)*\\S)\\Z"));  // \Z is not ECMA
  EXPECT_FALSE(compiles("a**"));
  EXPECT_FALSE(compiles("(abc"));
  EXPECT_FALSE(compiles("abc)"));
  EXPECT_FALSE(compiles("[z-a]"));
  EXPECT_FALSE(compiles("a{3,2}"));
  EXPECT_FALSE(compiles("{1}"));
  EXPECT_FALSE(compiles("\\"));
  EXPECT_FALSE(compiles("(a)\\1"));   // backreferences: not supported, said so
  EXPECT_FALSE(compiles("(?<=a)b"));  // lookbehind: not supported, said so
  EXPECT_FALSE(compiles("[\\d-z]"));
}

TEST(EcmaRegex, InvalidUtf8SubjectDoesNotCrash) {
  EXPECT_TRUE(matches("^.+$", std::string("\xFF\xFE", 2)));
}

}  // namespace
}  // namespace bronpoort::schema::detail
