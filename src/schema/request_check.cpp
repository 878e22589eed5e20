#include <bronpoort/schema/bundled.hpp>

#include <nlohmann/json.hpp>

namespace bronpoort::schema {
namespace {

// "…/properties/fields/maxItems" -> "maxItems": the keyword is the caller's stable code.
std::string failing_keyword(const std::string& keyword_location) {
  auto slash = keyword_location.find_last_of("/#");
  std::string keyword =
      slash == std::string::npos ? keyword_location : keyword_location.substr(slash + 1);
  return keyword.empty() ? "schema" : keyword;
}

}  // namespace

std::optional<Problem> check_request_body(const CompiledSchema& schema, const nlohmann::json& body,
                                          std::string_view what) {
  auto result = schema.validate(body, ValidationMode::kAllErrors);
  if (result.valid) return std::nullopt;
  auto problem =
      make_problem(400, "invalid-request",
                   "The " + std::string(what) + " body does not conform to its schema (" +
                       schema.base_uri() + "); see invalidParams for each violation.");
  problem.invalid_params_omitted += result.errors_omitted;
  for (auto& e : result.errors) {
    problem.add_invalid_param({e.instance_location.empty() ? "/" : e.instance_location,
                               explained_reason(e), failing_keyword(e.keyword_location)});
  }
  return problem;
}

}  // namespace bronpoort::schema
