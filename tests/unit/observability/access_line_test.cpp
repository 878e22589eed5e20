// The access log line is written without a JSON document; it must still be one valid JSON object
// whatever a caller put in the fields it echoes (method, purpose, organisation).
#include <bronpoort/core/request_context.hpp>
#include <bronpoort/observability/logging.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace bronpoort::observability {
namespace {

TEST(AccessLine, IsOneJsonObjectWithTheRequestsFacts) {
  RequestContext ctx;
  ctx.request.method = "GET";
  ctx.route.name = "data-detail";
  ctx.trace.trace_id = "0123456789abcdef0123456789abcdef";
  ctx.identity.organisation = "00000001001234567000";
  ctx.purpose_id = "adres-verificatie";
  ctx.started -= std::chrono::microseconds(1234567);
  auto line = nlohmann::json::parse(access_line(ctx, 200));
  EXPECT_EQ(line["event"], "access");
  EXPECT_EQ(line["level"], "info");
  EXPECT_EQ(line["method"], "GET");
  EXPECT_EQ(line["route"], "data-detail");
  EXPECT_EQ(line["status"], 200);
  EXPECT_EQ(line["traceId"], "0123456789abcdef0123456789abcdef");
  EXPECT_EQ(line["organisation"], "00000001001234567000");
  EXPECT_EQ(line["purpose"], "adres-verificatie");
  EXPECT_FALSE(line.contains("code"));
  EXPECT_GE(line["durationMs"].get<double>(), 1234.567);
  EXPECT_LT(line["durationMs"].get<double>(), 60000.0);
  EXPECT_EQ(line["time"].get<std::string>().size(), 27u);  // 2026-11-28T12:00:00.000000Z
}

TEST(AccessLine, EscapesWhatACallerSent) {
  RequestContext ctx;
  ctx.request.method = "GET";
  ctx.purpose_id = std::string("a\"b\\c\nd\x01\te") + "\xff\xc3(";
  ctx.identity.organisation = "\"},\"status\":999,\"x\":{\"";
  ctx.fail(make_problem(400, "purpose-unknown", "unknown"));
  const std::string text = access_line(ctx, 400);
  EXPECT_EQ(text.find('\n'), std::string::npos);
  auto line = nlohmann::json::parse(text);
  EXPECT_EQ(line["status"], 400);
  EXPECT_EQ(line["route"], "unmatched");
  EXPECT_EQ(line["code"], "purpose-unknown");
  EXPECT_EQ(line["organisation"], "\"},\"status\":999,\"x\":{\"");
  EXPECT_EQ(line["purpose"], "a\"b\\c\nd\x01\te\xEF\xBF\xBD\xEF\xBF\xBD(");
}

}  // namespace
}  // namespace bronpoort::observability
