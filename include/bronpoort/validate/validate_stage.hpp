#pragma once
// The validate stage (named "validate-response" in metrics and logs): records are checked against
// their resource's compiled JSON schema before they are minimised and released, for the resources
// in the map it is given (those whose connector does not already check each record itself). A
// source that answers outside its own schema gets 502 source-invalid-response; the violation (where
// and which keyword, never the value) is logged for the source holder.

#include <bronpoort/core/stage.hpp>
#include <bronpoort/schema/validator.hpp>

#include <map>
#include <memory>
#include <string>

namespace bronpoort::validate {

// A resource's compiled record schema, and the one for requests that selected fields (without
// the top-level `required`: such records hold the selected fields only).
struct RecordSchemas {
  std::shared_ptr<const schema::CompiledSchema> full;
  std::shared_ptr<const schema::CompiledSchema> projection;
};

// By "dataset/resource": the resources this stage checks.
using ResourceSchemas = std::map<std::string, RecordSchemas>;

std::shared_ptr<const Stage> make_validate_stage(std::shared_ptr<const ResourceSchemas> schemas);

}  // namespace bronpoort::validate
