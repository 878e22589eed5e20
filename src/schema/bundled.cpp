#include "bundled_texts.hpp"

#include <bronpoort/schema/bundled.hpp>

#include <nlohmann/json.hpp>

#include <map>
#include <memory>
#include <stdexcept>

namespace bronpoort::schema {
namespace {

struct Bundle {
  std::map<std::string, nlohmann::json, std::less<>> documents;
  std::map<std::string, std::shared_ptr<const CompiledSchema>, std::less<>> compiled;
};

// Parsed and compiled once; afterwards read-only and shared by every thread.
const Bundle& bundle() {
  static const Bundle* instance = [] {
    auto* b = new Bundle();
    SchemaRegistry registry;
    for (const auto& entry : detail::bundled_texts()) {
      std::string name(entry.name);
      auto doc = nlohmann::json::parse(entry.text, nullptr, false);
      if (doc.is_discarded()) throw std::logic_error("bundled schema " + name + " is not JSON");
      registry.add_document(std::string(kBundledBaseUri) + name, doc);
      b->documents.emplace(name, std::move(doc));
    }
    Compiler compiler(registry, own_schema_options());
    for (const auto& [name, doc] : b->documents) {
      auto result = compiler.compile(doc, std::string(kBundledBaseUri) + name);
      if (!result) {
        throw std::logic_error("bundled schema " + name +
                               " does not compile: " + result.errors().front().to_string());
      }
      b->compiled.emplace(name, result.schema());
    }
    return b;
  }();
  return *instance;
}

}  // namespace

CompileOptions own_schema_options() {
  CompileOptions options;
  options.formats = FormatMode::kAssert;
  return options;
}

const CompiledSchema& bundled_schema(std::string_view name) {
  const auto& compiled = bundle().compiled;
  auto it = compiled.find(name);
  if (it == compiled.end()) {
    throw std::logic_error("no bundled schema " + std::string(name));
  }
  return *it->second;
}

std::vector<std::string> bundled_schema_names() {
  std::vector<std::string> names;
  for (const auto& [name, _] : bundle().documents) names.push_back(name);
  return names;
}

void add_bundled_documents(SchemaRegistry& registry) {
  for (const auto& [name, doc] : bundle().documents) {
    registry.add_document(std::string(kBundledBaseUri) + name, doc);
  }
}

std::string explained_reason(const ValidationError& error) {
  const std::string& where = error.keyword_location;
  if (where.rfind(kBundledBaseUri, 0) != 0) return error.reason;
  auto hash = where.find('#');
  if (hash == std::string::npos) return error.reason;
  const auto* doc = bundled_schema_document(
      std::string_view(where).substr(kBundledBaseUri.size(), hash - kBundledBaseUri.size()));
  std::string pointer = where.substr(hash + 1);
  auto slash = pointer.rfind('/');
  if (doc == nullptr || slash == std::string::npos) return error.reason;
  // Only where the reason shows a rule but not its meaning; a missing member or a wrong type
  // says enough by itself.
  const std::string keyword = pointer.substr(slash + 1);
  if (keyword != "pattern" && keyword != "format" && keyword != "enum" && keyword != "const" &&
      keyword != "not") {
    return error.reason;
  }
  pointer.resize(slash);  // the schema object that holds the failing keyword
  try {
    const auto& holder = doc->at(nlohmann::json::json_pointer(pointer));
    auto description = holder.find("description");
    if (holder.is_object() && description != holder.end() && description->is_string()) {
      return error.reason + " (" + description->get<std::string>() + ")";
    }
  } catch (const nlohmann::json::exception&) {
    // A location the validator made up (a limit, a resolved reference): no description.
  }
  return error.reason;
}

const nlohmann::json* bundled_schema_document(std::string_view name) {
  const auto& documents = bundle().documents;
  auto it = documents.find(name);
  return it == documents.end() ? nullptr : &it->second;
}

}  // namespace bronpoort::schema
