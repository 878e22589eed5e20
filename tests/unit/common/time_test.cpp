#include <bronpoort/common/time.hpp>

#include <gtest/gtest.h>

namespace bronpoort::common {
namespace {

constexpr std::int64_t kSecond = 1000000;
// 2026-01-02T03:04:05Z
constexpr std::int64_t kJan2 = 1767323045LL * kSecond;

TEST(Rfc3339, ReadsUtcWithAndWithoutFraction) {
  EXPECT_EQ(parse_date_time_us("2026-01-02T03:04:05Z"), kJan2);
  EXPECT_EQ(parse_date_time_us("2026-01-02t03:04:05z"), kJan2);
  EXPECT_EQ(parse_date_time_us("2026-01-02T03:04:05.000006Z"), kJan2 + 6);
  EXPECT_EQ(parse_date_time_us("2026-01-02T03:04:05.5Z"), kJan2 + 500000);
  // Digits past the microsecond are dropped, not rounded.
  EXPECT_EQ(parse_date_time_us("2026-01-02T03:04:05.1234569Z"), kJan2 + 123456);
}

TEST(Rfc3339, AppliesOffsets) {
  EXPECT_EQ(parse_date_time_us("2026-01-02T05:04:05+02:00"), kJan2);
  EXPECT_EQ(parse_date_time_us("2026-01-01T23:34:05-03:30"), kJan2);
  EXPECT_EQ(parse_date_time_us("2026-01-02T03:04:05-00:00"), kJan2);
  EXPECT_FALSE(parse_date_time_us("2026-01-02T03:04:05+24:00"));
  EXPECT_FALSE(parse_date_time_us("2026-01-02T03:04:05+02:60"));
  EXPECT_FALSE(parse_date_time_us("2026-01-02T03:04:05+0200"));
  EXPECT_FALSE(parse_date_time_us("2026-01-02T03:04:05+02"));
}

TEST(Rfc3339, LeapDaysAndImpossibleDates) {
  EXPECT_TRUE(parse_date_time_us("2024-02-29T00:00:00Z"));
  EXPECT_TRUE(parse_date_time_us("2000-02-29T00:00:00Z"));
  EXPECT_FALSE(parse_date_time_us("2026-02-29T00:00:00Z"));
  EXPECT_FALSE(parse_date_time_us("1900-02-29T00:00:00Z"));
  EXPECT_FALSE(parse_date_time_us("2026-02-30T00:00:00Z"));  // never rolled into March
  EXPECT_FALSE(parse_date_time_us("2026-04-31T00:00:00Z"));
  EXPECT_FALSE(parse_date_time_us("2026-13-01T00:00:00Z"));
  EXPECT_FALSE(parse_date_time_us("2026-00-10T00:00:00Z"));
  EXPECT_FALSE(parse_date_time_us("2026-01-00T00:00:00Z"));
  EXPECT_FALSE(parse_date_time_us("2026-01-02T24:00:00Z"));
  EXPECT_FALSE(parse_date_time_us("2026-01-02T23:60:00Z"));
}

TEST(Rfc3339, LeapSecondOnlyAtTheEndOfAUtcDay) {
  auto before = parse_date_time_us("2016-12-31T23:59:59Z");
  ASSERT_TRUE(before);
  EXPECT_EQ(parse_date_time_us("2016-12-31T23:59:60Z"), *before + kSecond);
  EXPECT_EQ(parse_date_time_us("2017-01-01T00:59:60+01:00"), *before + kSecond);
  EXPECT_FALSE(parse_date_time_us("2016-12-31T12:00:60Z"));
  EXPECT_FALSE(parse_date_time_us("2016-12-31T23:59:61Z"));
}

TEST(Rfc3339, RefusesJunk) {
  for (const char* junk :
       {"", "2026", "2026-01-02", "2026-01-02T03:04Z", "2026-01-02T03:04:05",
        "2026-01-02 03:04:05Z", "2026-01-02T03:04:05.Z", "2026-01-02T03:04:05ZZ",
        "2026-01-02T03:04:05Z ", " 2026-01-02T03:04:05Z", "+026-01-02T03:04:05Z",
        "2026-1-02T03:04:05Z", "2026-01-02T3:04:05Z", "2026-01-02T03:04:05+02:00x",
        "2026-01-02T03:04:05Q", "abcd-ef-ghTij:kl:mnZ"}) {
    EXPECT_FALSE(parse_date_time_us(junk)) << junk;
  }
}

TEST(Rfc3339, FullTimeAlone) {
  EXPECT_EQ(parse_full_time_us("00:00:00Z"), 0);
  EXPECT_EQ(parse_full_time_us("01:00:00.25+01:00"), 250000);
  EXPECT_EQ(parse_full_time_us("23:30:00-01:00"), 24LL * 3600 * kSecond + 30 * 60 * kSecond);
  EXPECT_TRUE(parse_full_time_us("23:59:60Z"));
  EXPECT_FALSE(parse_full_time_us("12:59:60Z"));
  EXPECT_FALSE(parse_full_time_us("24:00:00Z"));
  EXPECT_FALSE(parse_full_time_us("12:00:00"));
  EXPECT_FALSE(parse_full_time_us("12:00Z"));
}

TEST(Rfc3339, DateOrDateTime) {
  EXPECT_EQ(parse_date_or_date_time_us("2026-01-02"),
            (kJan2 / kSecond - 3 * 3600 - 4 * 60 - 5) * kSecond);
  EXPECT_EQ(parse_date_or_date_time_us("2026-01-02T03:04:05Z"), kJan2);
  EXPECT_FALSE(parse_date_or_date_time_us("2026-02-30"));
  EXPECT_FALSE(parse_date_or_date_time_us("20260102"));
}

TEST(Rfc3339, WritesEveryFieldAtItsWidthAndYearsPastFourDigits) {
  EXPECT_EQ(format_time_us(std::int64_t{1709208000} * kSecond), "2024-02-29T12:00:00.000000Z");
  EXPECT_EQ(format_time_us(std::int64_t{253402300799} * kSecond + 999999),
            "9999-12-31T23:59:59.999999Z");
  EXPECT_EQ(format_time_us(std::int64_t{253402300800} * kSecond), "10000-01-01T00:00:00.000000Z");
  EXPECT_EQ(format_time_us((std::int64_t{-62167219200} - 86400) * kSecond),
            "-001-12-31T00:00:00.000000Z");
  EXPECT_EQ(format_date(std::chrono::sys_days{std::chrono::year{7} / 8 / 9}), "0007-08-09");
}

TEST(Rfc3339, WritesUtcAndReadsItBack) {
  EXPECT_EQ(format_time_us(kJan2 + 6), "2026-01-02T03:04:05.000006Z");
  EXPECT_EQ(format_time_us(-1), "1969-12-31T23:59:59.999999Z");
  EXPECT_EQ(format_time(Clock::time_point{std::chrono::microseconds{kJan2 + 999999}}),
            "2026-01-02T03:04:05Z");
  EXPECT_EQ(format_date(std::chrono::sys_days{std::chrono::year{2026} / 2 / 3}), "2026-02-03");
  for (std::int64_t us : {std::int64_t{0}, kJan2, kJan2 + 123456, std::int64_t{-1}}) {
    EXPECT_EQ(parse_date_time_us(format_time_us(us)), us);
  }
  auto t = parse_time("2026-01-02T03:04:05Z");
  ASSERT_TRUE(t);
  EXPECT_EQ(format_time(*t), "2026-01-02T03:04:05Z");
  EXPECT_EQ(parse_date("2026-02-03"), std::chrono::sys_days{std::chrono::year{2026} / 2 / 3});
  EXPECT_FALSE(parse_date("2026-02-30"));
}

}  // namespace
}  // namespace bronpoort::common
