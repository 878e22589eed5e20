#include <bronpoort/schema/validator.hpp>
#include <bronpoort/validate/validate_stage.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace bronpoort::validate {

using namespace bronpoort::schema;
namespace {

std::shared_ptr<const Stage> stage_for_cases() {
  SchemaRegistry refs;
  auto schema = nlohmann::json::parse(R"({
    "$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object",
    "required": ["caseId", "bsn"], "additionalProperties": false,
    "properties": {"caseId": {"type": "string"}, "bsn": {"type": "string", "pattern": "^[0-9]{9}$"}}})");
  auto compiled = Compiler(refs).compile(schema);
  EXPECT_TRUE(compiled);
  schema.erase("required");
  auto projection = Compiler(refs).compile(schema);
  EXPECT_TRUE(projection);
  auto map = std::make_shared<ResourceSchemas>();
  (*map)["debt-assistance/cases"] = {compiled.schema(), projection.schema()};
  return make_validate_stage(map);
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

TEST(ResponseValidation, SelectedFieldsAreCheckedWithoutTheOthersBeingRequired) {
  auto stage = stage_for_cases();
  auto whole = fetched("debt-assistance", nlohmann::json::parse(R"([{"caseId": "c1"}])"));
  EXPECT_EQ(run(*stage, whole), Flow::Stop) << "without a selection every required field is due";

  auto selected = fetched("debt-assistance", nlohmann::json::parse(R"([{"caseId": "c1"}])"));
  selected.query.fields = {"caseId"};
  EXPECT_EQ(run(*stage, selected), Flow::Continue);

  // What is there is still checked, and nothing beyond the schema gets through.
  auto wrong = fetched("debt-assistance", nlohmann::json::parse(R"([{"bsn": "12"}])"));
  wrong.query.fields = {"bsn"};
  EXPECT_EQ(run(*stage, wrong), Flow::Stop);
  auto extra = fetched("debt-assistance", nlohmann::json::parse(R"([{"caseId": "c1", "x": 1}])"));
  extra.query.fields = {"caseId"};
  EXPECT_EQ(run(*stage, extra), Flow::Stop);
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
}  // namespace bronpoort::validate
