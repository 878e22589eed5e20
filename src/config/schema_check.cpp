#include <bronpoort/config/schema_check.hpp>
#include <bronpoort/schema/bundled.hpp>

#include <nlohmann/json.hpp>

namespace bronpoort::config {

bool check_against_schema(std::string_view schema_name, const nlohmann::json& document,
                          const std::string& file, ConfigErrors& errors) {
  const auto& schema = schema::bundled_schema(schema_name);
  auto result = schema.validate(document, schema::ValidationMode::kAllErrors);
  for (auto& e : result.errors) {
    // "https://bronpoort.example.nl/schemas/gateway.schema.json#/…" -> "gateway.schema.json#/…"
    std::string where = e.keyword_location;
    if (where.rfind(schema::kBundledBaseUri, 0) == 0) {
      where.erase(0, schema::kBundledBaseUri.size());
    }
    errors.push_back(
        {file, e.instance_location, schema::explained_reason(e) + " [schema " + where + "]"});
  }
  return result.valid;
}

}  // namespace bronpoort::config
