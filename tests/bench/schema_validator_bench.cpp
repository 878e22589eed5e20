// Validations per second of ~1 KB person records against their compiled schema (parsing
// excluded: documents are parsed once before timing). tests/bench/ajv_bench.sh runs Ajv on the
// same files for comparison; see docs/performance.md.

#include <bronpoort/schema/validator.hpp>

#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>
#include <nlohmann/json.hpp>

namespace {

using nlohmann::json;

const std::string kData = std::string(BRONPOORT_SOURCE_DIR) + "/tests/bench/data/";

struct Fixture {
  std::shared_ptr<const bronpoort::schema::CompiledSchema> schema;
  std::vector<json> records;
};

const Fixture& fixture() {
  static const Fixture f = [] {
    Fixture out;
    std::ifstream schema_in(kData + "person-record.schema.json");
    bronpoort::schema::SchemaRegistry registry;
    bronpoort::schema::Compiler compiler(registry);
    auto compiled = compiler.compile(json::parse(schema_in));
    if (!compiled) throw std::runtime_error(compiled.errors()[0].to_string());
    out.schema = compiled.schema();
    std::ifstream records_in(kData + "person-records.jsonl");
    for (std::string line; std::getline(records_in, line);)
      out.records.push_back(json::parse(line));
    return out;
  }();
  return f;
}

// The hot path: is_valid, no error strings.
void BM_SchemaIsValidPersonRecord(benchmark::State& state) {
  const Fixture& f = fixture();
  std::size_t i = 0;
  for (auto _ : state) {
    bool ok = f.schema->is_valid(f.records[i++ % f.records.size()]);
    if (!ok) state.SkipWithError("fixture record is invalid");
    benchmark::DoNotOptimize(ok);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_SchemaIsValidPersonRecord);

// validate() in first-error mode (what a response check calls).
void BM_SchemaValidateFirstErrorPersonRecord(benchmark::State& state) {
  const Fixture& f = fixture();
  std::size_t i = 0;
  for (auto _ : state) {
    auto result = f.schema->validate(f.records[i++ % f.records.size()],
                                     bronpoort::schema::ValidationMode::kFirstError);
    benchmark::DoNotOptimize(result.valid);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_SchemaValidateFirstErrorPersonRecord);

// An invalid record with every error collected (config-check style).
void BM_SchemaValidateAllErrorsInvalidRecord(benchmark::State& state) {
  const Fixture& f = fixture();
  json bad = f.records[0];
  bad["bsn"] = "12";
  bad["address"]["postcode"] = "0000";
  bad["unexpected"] = true;
  for (auto _ : state) {
    auto result = f.schema->validate(bad, bronpoort::schema::ValidationMode::kAllErrors);
    benchmark::DoNotOptimize(result.errors.size());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_SchemaValidateAllErrorsInvalidRecord);

}  // namespace
