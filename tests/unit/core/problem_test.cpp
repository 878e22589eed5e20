#include <bronpoort/core/http_message.hpp>
#include <bronpoort/core/problem.hpp>

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
