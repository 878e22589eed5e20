#pragma once
// The response-validation stage: every record a source returns is checked against its
// resource's compiled JSON schema before it is minimised and released. A source that answers
// outside its own schema gets 502 source-invalid-response; the violation (where and which
// keyword, never the value) is logged for the source holder.

#include <bronpoort/core/stage.hpp>
#include <bronpoort/schema/validator.hpp>

#include <map>
#include <memory>
#include <string>

namespace bronpoort::schema {

// Compiled record schemas by "dataset/resource".
using ResourceSchemas = std::map<std::string, std::shared_ptr<const CompiledSchema>>;

std::shared_ptr<const Stage> make_response_validation_stage(
    std::shared_ptr<const ResourceSchemas> schemas);

}  // namespace bronpoort::schema
