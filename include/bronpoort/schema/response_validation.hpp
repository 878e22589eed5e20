#pragma once
// The response-validation stage: records are checked against their resource's compiled JSON
// schema before they are minimised and released, for the resources in the map it is given (those
// whose connector does not already check each record itself). A source that answers
// outside its own schema gets 502 source-invalid-response; the violation (where and which
// keyword, never the value) is logged for the source holder.

#include <bronpoort/core/stage.hpp>
#include <bronpoort/schema/validator.hpp>

#include <map>
#include <memory>
#include <string>

namespace bronpoort::schema {

// Compiled record schemas by "dataset/resource": the resources this stage checks.
using ResourceSchemas = std::map<std::string, std::shared_ptr<const CompiledSchema>>;

std::shared_ptr<const Stage> make_response_validation_stage(
    std::shared_ptr<const ResourceSchemas> schemas);

}  // namespace bronpoort::schema
