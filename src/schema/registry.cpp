// Schema documents by URI: added in memory, or loaded from a directory a base URI maps to.
// Loaded files are cached. A URI can never escape its mapped directory ("..", absolute paths).

#include <fstream>
#include <mutex>
#include <sstream>
#include <unordered_map>

#include <bronpoort/schema/validator.hpp>
#include <nlohmann/json.hpp>

#include "uri.hpp"

namespace bronpoort::schema {

struct SchemaRegistry::State {
  std::mutex mutex;
  std::unordered_map<std::string, std::shared_ptr<const nlohmann::json>> documents;
  std::vector<std::pair<std::string, std::string>> directories;  // base URI -> directory
};

namespace {

std::string normalise(const std::string& uri) {
  std::string u = detail::split_fragment(uri).first;
  return u;
}

bool safe_relative_path(const std::string& rest) {
  if (rest.empty() || rest[0] == '/' || rest.find('\\') != std::string::npos) return false;
  if (rest.find('?') != std::string::npos || rest.find('\0') != std::string::npos) return false;
  std::size_t start = 0;
  while (start <= rest.size()) {
    std::size_t end = rest.find('/', start);
    std::string segment =
        rest.substr(start, end == std::string::npos ? std::string::npos : end - start);
    if (segment == ".." || segment == ".") return false;
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return true;
}

}  // namespace

SchemaRegistry::SchemaRegistry() : state_(std::make_unique<State>()) {}
SchemaRegistry::~SchemaRegistry() = default;
SchemaRegistry::SchemaRegistry(SchemaRegistry&&) noexcept = default;
SchemaRegistry& SchemaRegistry::operator=(SchemaRegistry&&) noexcept = default;

void SchemaRegistry::add_document(const std::string& uri, const nlohmann::json& document) {
  std::lock_guard lock(state_->mutex);
  state_->documents[normalise(uri)] = std::make_shared<const nlohmann::json>(document);
}

void SchemaRegistry::map_directory(const std::string& base_uri, const std::string& directory) {
  std::lock_guard lock(state_->mutex);
  state_->directories.emplace_back(base_uri, directory);
  // Longest base first, so the most specific mapping wins.
  std::stable_sort(state_->directories.begin(), state_->directories.end(),
                   [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });
}

std::shared_ptr<const nlohmann::json> SchemaRegistry::find(const std::string& uri,
                                                           std::string& error) const {
  const std::string key = normalise(uri);
  std::lock_guard lock(state_->mutex);
  if (auto it = state_->documents.find(key); it != state_->documents.end()) return it->second;
  for (const auto& [base, directory] : state_->directories) {
    if (key.rfind(base, 0) != 0) continue;
    std::string rest = key.substr(base.size());
    if (!safe_relative_path(rest)) {
      error = "'" + key + "' does not name a file under the directory mapped to '" + base + "'";
      return nullptr;
    }
    std::string path = directory + (directory.empty() || directory.back() == '/' ? "" : "/") + rest;
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      error = "cannot read " + path;
      return nullptr;
    }
    std::stringstream buffer;
    buffer << in.rdbuf();
    auto parsed = nlohmann::json::parse(buffer.str(), nullptr, false);
    if (parsed.is_discarded()) {
      error = path + " is not valid JSON";
      return nullptr;
    }
    auto doc = std::make_shared<const nlohmann::json>(std::move(parsed));
    state_->documents[key] = doc;
    return doc;
  }
  error = "no document registered and no directory mapped for '" + key + "'";
  return nullptr;
}

}  // namespace bronpoort::schema
