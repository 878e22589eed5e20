#include <bronpoort/schema/response_validation.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace bronpoort::schema {
namespace {

std::shared_ptr<const Stage> stage_for_cases() {
  SchemaRegistry refs;
  auto compiled = Compiler(refs).compile(nlohmann::json::parse(R"({
    "$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object",
    "required": ["caseId", "bsn"],
    "properties": {"caseId": {"type": "string"}, "bsn": {"type": "string", "pattern": "^[0-9]{9}$"}}})"));
  EXPECT_TRUE(compiled);
  auto map = std::make_shared<ResourceSchemas>();
  (*map)["debt-assistance/cases"] = compiled.schema();
  return make_response_validation_stage(map);
}

RequestContext fetched(std::string dataset, nlohmann::json body) {
  RequestContext ctx;
  ctx.route.kind = RouteKind::Data;
  ctx.route.dataset = std::move(dataset);
  ctx.route.resource = "cases";
  ctx.result.fetched = true;
  ctx.result.body = std::move(body);
  ctx.data_subjects.push_back({"BSN", "123456782"});
  return ctx;
}

Flow run(const Stage& s, RequestContext& ctx) {
  Flow out = Flow::Continue;
  s.run(ctx, [&](Flow f) { out = f; });
  return out;
}

TEST(ResponseValidation, PassesRecordsThatMatchTheirSchema) {
  auto stage = stage_for_cases();
  auto ctx = fetched("debt-assistance",
                     nlohmann::json::parse(R"([{"caseId": "c1", "bsn": "123456782"}])"));
  EXPECT_EQ(run(*stage, ctx), Flow::Continue);
  EXPECT_FALSE(ctx.refused());
}

TEST(ResponseValidation, NonConformingRecordFailsClosedWith502AndNoData) {
  auto stage = stage_for_cases();
  auto ctx =
      fetched("debt-assistance",
              nlohmann::json::parse(R"([{"caseId": "c1", "bsn": "123456782"}, {"caseId": 7}])"));
  EXPECT_EQ(run(*stage, ctx), Flow::Stop);
  ASSERT_TRUE(ctx.refused());
  EXPECT_EQ(ctx.problem->status, 502);
  EXPECT_EQ(ctx.problem->code, "source-invalid-response");
  EXPECT_FALSE(ctx.result.fetched);  // nothing of the answer may be released
  EXPECT_TRUE(ctx.result.body.is_null());
  EXPECT_TRUE(ctx.data_subjects.empty());
  EXPECT_EQ(ctx.problem->detail.find("123456782"), std::string::npos);
}

TEST(ResponseValidation, SingleRecordIsCheckedToo) {
  auto stage = stage_for_cases();
  auto ctx = fetched("debt-assistance", nlohmann::json::parse(R"({"caseId": "c1", "bsn": "12"})"));
  EXPECT_EQ(run(*stage, ctx), Flow::Stop);
}

TEST(ResponseValidation, ResourcesOutsideTheMapAreLeftToTheirConnector) {
  auto stage = stage_for_cases();
  auto ctx = fetched("persons", nlohmann::json::parse(R"([{"anything": 1}])"));
  EXPECT_EQ(run(*stage, ctx), Flow::Continue);
  RequestContext endpoint;
  endpoint.route.kind = RouteKind::Endpoint;
  EXPECT_EQ(run(*stage, endpoint), Flow::Continue);
}

}  // namespace
}  // namespace bronpoort::schema
