#pragma once
// Reads the JSON bodies of the access endpoints strictly (unknown members, wrong types and
// oversized values are refused) and reports every problem as an invalidParams entry.

#include <bronpoort/access/access_service.hpp>
#include <bronpoort/core/result.hpp>

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

namespace bronpoort::access {

// {role, purpose, dataset, resource, fields, motivation}
Result<NewAccessRequest> read_access_request(const nlohmann::json& body);

// {reason?}
Result<std::string> read_decision_reason(const nlohmann::json& body);

// {reason?, fields?, validUntil?}
Result<Approval> read_approval(const nlohmann::json& body);

struct AccessCheckQuery {
  std::optional<std::string> role;
  std::string purpose_id;
  std::string dataset;
  std::string resource;
  std::vector<std::string> fields;
};

// {role?, purpose, dataset, resource, fields?}
Result<AccessCheckQuery> read_access_check(const nlohmann::json& body);

}  // namespace bronpoort::access
