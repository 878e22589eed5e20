#include <bronpoort/core/http_message.hpp>
#include <bronpoort/core/problem.hpp>
#include <bronpoort/core/utf8.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace bronpoort {
namespace {

TEST(Problem, RendersRequiredMembersAndCode) {
  auto p = make_problem(403, "no-grant", "File an access request for purpose X.");
  p.invalid_params.push_back({"fields", "not granted", "field-not-granted"});
  auto j = nlohmann::json::parse(p.to_json("/v1/datasets/persons/persons", "abc"));
  EXPECT_EQ(j["status"], 403);
  EXPECT_EQ(j["title"], "Forbidden");
  EXPECT_EQ(j["code"], "no-grant");
  EXPECT_EQ(j["detail"], "File an access request for purpose X.");
  EXPECT_EQ(j["type"], "https://bronpoort.example.nl/problems/no-grant");
  EXPECT_EQ(j["instance"], "/v1/datasets/persons/persons");
  EXPECT_EQ(j["traceId"], "abc");
  ASSERT_EQ(j["invalidParams"].size(), 1u);
  EXPECT_EQ(j["invalidParams"][0]["name"], "fields");
}

TEST(Problem, InvalidUtf8InDetailDoesNotThrow) {
  auto p = make_problem(400, "bad", std::string("bad byte \xff here"));
  EXPECT_NO_THROW(nlohmann::json::parse(p.to_json("", "")));
}

// A body with 180,000 violations once produced a 24 MB answer: the list is capped, and what was
// left out is counted in one last entry, so the caller still knows there is more to fix.
TEST(Problem, ListsAtMostFiftyViolationsAndCountsTheRest) {
  auto p = make_problem(400, "invalid-request", "see invalidParams");
  for (int i = 0; i < 100'000; ++i) {
    p.add_invalid_param({"/fields/" + std::to_string(i), "must be a string", "type"});
  }
  EXPECT_EQ(p.invalid_params.size(), kMaxListedInvalidParams);
  auto rendered = nlohmann::json::parse(p.to_json("/v1/x", ""));
  ASSERT_EQ(rendered["invalidParams"].size(), kMaxListedInvalidParams + 1);
  const auto& last = rendered["invalidParams"].back();
  EXPECT_EQ(last["code"], "more-violations");
  EXPECT_NE(last["reason"].get<std::string>().find("99950 more"), std::string::npos);
  EXPECT_LT(p.to_json("/v1/x", "").size(), 16u * 1024u);
}

TEST(Problem, ClipsEchoedNamesAndReasons) {
  auto p = make_problem(400, "invalid-request", "see invalidParams");
  p.invalid_params.push_back({"/" + std::string(500'000, 'k'), std::string(100'000, 'r'), "x"});
  const auto text = p.to_json("", "");
  EXPECT_LT(text.size(), 2048u);
  EXPECT_NO_THROW(nlohmann::json::parse(text));
}

TEST(Utf8, AcceptsWellFormedAndRefusesEverythingElse) {
  EXPECT_TRUE(is_valid_utf8("plain"));
  EXPECT_TRUE(is_valid_utf8("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80"));
  EXPECT_FALSE(is_valid_utf8("\xFF"));
  EXPECT_FALSE(is_valid_utf8("\xC0\xAF"));          // overlong '/'
  EXPECT_FALSE(is_valid_utf8("\xED\xA0\x80"));      // a surrogate
  EXPECT_FALSE(is_valid_utf8("\xF4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(is_valid_utf8("\xE2\x82"));          // cut short
}

TEST(Utf8, RepairsAndClipsOnACharacterBoundary) {
  EXPECT_EQ(to_valid_utf8("a\xFF"
                          "b",
                          100),
            "a\xEF\xBF\xBD"
            "b");
  const auto clipped = to_valid_utf8(std::string(10, 'x') + "\xC3\xA9", 11);
  EXPECT_TRUE(is_valid_utf8(clipped));
  EXPECT_EQ(clipped, std::string(10, 'x') + "\xE2\x80\xA6");
}

TEST(Utf8, FindsABadByteAfterLongRunsOfAscii) {
  // The ASCII fast path reads eight bytes at a time; a bad byte at any offset of a word, and in
  // the tail after the last whole word, must still be found.
  for (std::size_t at = 0; at < 40; ++at) {
    std::string s(40, 'a');
    s[at] = '\xFF';
    EXPECT_FALSE(is_valid_utf8(s)) << at;
    s[at] = '\xC3';
    if (at + 1 < s.size()) {
      s[at + 1] = '\xA9';
      EXPECT_TRUE(is_valid_utf8(s)) << at;
    }
  }
  EXPECT_FALSE(is_valid_utf8(std::string(16, 'a') + "\xE2\x82"));
}

TEST(Utf8, RepairsInPlaceLikeTheCopyingForm) {
  for (std::string s :
       {std::string("plain"),
        std::string("a\xFF"
                    "b"),
        std::string(20, 'x'), std::string(10, 'x') + "\xC3\xA9", std::string("\xED\xA0\x80")}) {
    std::string in_place = s;
    make_valid_utf8(in_place, 11);
    EXPECT_EQ(in_place, to_valid_utf8(s, 11)) << s;
  }
}

TEST(Query, DecodesPairsAndRejectsBadEscapes) {
  std::vector<std::pair<std::string, std::string>> q;
  ASSERT_TRUE(parse_query("a=1&b=x%20y+z&&c&d=%C3%A9", q));
  ASSERT_EQ(q.size(), 4u);
  EXPECT_EQ(q[1].second, "x y z");
  EXPECT_EQ(q[2].first, "c");
  EXPECT_EQ(q[2].second, "");
  EXPECT_EQ(q[3].second, "\xC3\xA9");
  EXPECT_FALSE(parse_query("a=%2", q));
  EXPECT_FALSE(parse_query("a=%zz", q));
  EXPECT_FALSE(parse_query("a=%00", q));
  EXPECT_FALSE(parse_query("location=%FF", q));  // decodes to bytes that are not UTF-8
  std::string path;
  EXPECT_FALSE(percent_decode("/v1/datasets/%C0%AF", path, false));
}

TEST(Headers, LookupIsCaseInsensitiveAndSetReplaces) {
  HeaderMap h;
  h.add("Content-Type", "a");
  h.add("content-type", "b");
  EXPECT_EQ(h.count("CONTENT-TYPE"), 2u);
  EXPECT_EQ(*h.find("content-TYPE"), "a");
  h.set("Content-Type", "c");
  EXPECT_EQ(h.count("content-type"), 1u);
  EXPECT_EQ(*h.find("content-type"), "c");
}

}  // namespace
}  // namespace bronpoort
