// Fuzzes compile + validate: the input is "<schema JSON>\n<instance JSON>". Any outcome is fine
// except a crash, a sanitizer report, a hang or an exception escaping the API.

#include <bronpoort/schema/validator.hpp>

#include <cstddef>
#include <cstdint>
#include <string_view>

#include <nlohmann/json.hpp>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto split = input.find('\n');
  if (split == std::string_view::npos) return 0;
  auto schema = nlohmann::json::parse(input.substr(0, split), nullptr, false);
  auto instance = nlohmann::json::parse(input.substr(split + 1), nullptr, false);
  if (schema.is_discarded() || instance.is_discarded()) return 0;
  static const bronpoort::schema::SchemaRegistry registry;
  bronpoort::schema::CompileOptions options;
  options.max_steps = 200'000;  // keep each run short; limits are part of what is tested
  for (auto draft : {bronpoort::schema::Draft::kDraft7, bronpoort::schema::Draft::kDraft2020_12}) {
    options.default_draft = draft;
    bronpoort::schema::Compiler compiler(registry, options);
    auto compiled = compiler.compile(schema, "https://fuzz.test/schema.json");
    if (!compiled) continue;
    auto all = compiled.schema()->validate(instance, bronpoort::schema::ValidationMode::kAllErrors);
    bool quick = compiled.schema()->is_valid(instance);
    if (all.valid != quick) __builtin_trap();  // the two entry points must agree
  }
  return 0;
}
