// Query encoding for paging links: what parse_query reads back is what was sent.
#include <bronpoort/core/http_message.hpp>

#include <gtest/gtest.h>

namespace bronpoort {
namespace {

TEST(PercentEncode, KeepsUnreservedAndEscapesTheRest) {
  EXPECT_EQ(percent_encode("abc-XYZ_0.9~,"), "abc-XYZ_0.9~,");
  EXPECT_EQ(percent_encode("a b&c=d/é"), "a%20b%26c%3Dd%2F%C3%A9");
  EXPECT_EQ(percent_encode(""), "");
}

TEST(TargetForPage, ReplacesPageAndKeepsEveryOtherParameterInOrder) {
  HttpRequest r;
  r.path = "/v1/datasets/addresses/addresses";
  ASSERT_TRUE(parse_query("city=Den+Haag&page=4&streetIn=a%2Cb,c&sort=-street", r.query));
  const std::string target = target_for_page(r, 5);
  EXPECT_EQ(target,
            "/v1/datasets/addresses/addresses?city=Den%20Haag&streetIn=a,b,c&sort=-street&page=5");
  std::vector<std::pair<std::string, std::string>> back;
  ASSERT_TRUE(parse_query(target.substr(target.find('?') + 1), back));
  EXPECT_EQ(back,
            (std::vector<std::pair<std::string, std::string>>{
                {"city", "Den Haag"}, {"streetIn", "a,b,c"}, {"sort", "-street"}, {"page", "5"}}));
  HttpRequest bare;
  bare.path = "/v1/grants";
  EXPECT_EQ(target_for_page(bare, 2), "/v1/grants?page=2");
}

}  // namespace
}  // namespace bronpoort
