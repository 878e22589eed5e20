// Upstream records are checked against the resource's fields before anything else sees them: a
// source holder's bug or a compromised upstream must not reach the caller unvalidated.
#include <bronpoort/sources/connector.hpp>
#include <bronpoort/sources/query_parser.hpp>

#include <algorithm>

namespace bronpoort::sources {

bool record_fits(const Resource& resource, const nlohmann::json& record,
                 const std::vector<std::string>& fields, std::string& reason) {
  if (!record.is_object()) {
    reason = "a record is not a JSON object";
    return false;
  }
  for (const auto& [name, value] : record.items()) {
    const Field* f = resource.field(name);
    if (f == nullptr) {
      reason = "unexpected member \"" + name + "\"";
      return false;
    }
    if (!fields.empty() && std::find(fields.begin(), fields.end(), name) == fields.end()) {
      reason = "member \"" + name + "\" was not asked for";
      return false;
    }
    if (value.is_null()) {
      if (!f->nullable) {
        reason = "member \"" + name + "\" is null";
        return false;
      }
      continue;
    }
    std::string why;
    if (!value_fits(*f, value, why)) {
      reason = "member \"" + name + "\" " + why;
      return false;
    }
  }
  bool id_expected =
      fields.empty() || std::find(fields.begin(), fields.end(), resource.id_field) != fields.end();
  if (id_expected && !record.contains(resource.id_field)) {
    reason = "the id field \"" + resource.id_field + "\" is missing";
    return false;
  }
  return true;
}

}  // namespace bronpoort::sources
