// One CompiledSchema shared by many threads: results stay correct (the regex scratch space is
// thread-local; nothing in the compiled form is mutated by validation).

#include <bronpoort/schema/validator.hpp>

#include <atomic>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace bronpoort::schema {
namespace {

using nlohmann::json;

TEST(SchemaConcurrency, SharedCompiledSchemaGivesTheSameAnswersOnEveryThread) {
  SchemaRegistry registry;
  auto compiled = Compiler(registry).compile(json::parse(R"js({
    "type": "object", "required": ["bsn"], "unevaluatedProperties": false,
    "properties": {"bsn": {"type": "string", "pattern": "^[0-9]{9}$"}},
    "anyOf": [{"properties": {"note": {"pattern": "(?=.*ok)"}}}, {"required": ["x"]}]
  })js"));
  ASSERT_TRUE(compiled);
  auto schema = compiled.schema();
  const json good = json::parse(R"({"bsn": "123456789", "note": "all ok"})");
  const json bad = json::parse(R"({"bsn": "12345678X", "note": "all ok"})");
  const json extra = json::parse(R"({"bsn": "123456789", "y": 1, "note": "ok"})");
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 2000; ++i) {
        if (!schema->is_valid(good)) ++wrong;
        if (schema->is_valid(bad)) ++wrong;
        auto r = schema->validate(extra, ValidationMode::kAllErrors);
        if (r.valid || r.errors.size() != 1 || r.errors[0].instance_location != "/y") ++wrong;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(wrong.load(), 0);
}

}  // namespace
}  // namespace bronpoort::schema
