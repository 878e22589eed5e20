#include <bronpoort/core/result.hpp>
#include <bronpoort/portal/portal.hpp>

#include <fstream>
#include <sstream>

namespace bronpoort::portal {

std::string content_type_for(std::string_view name) {
  static const std::pair<std::string_view, std::string_view> kTypes[] = {
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".ico", "image/x-icon"},
      {".woff2", "font/woff2"},
      {".txt", "text/plain; charset=utf-8"},
  };
  for (const auto& [ext, type] : kTypes) {
    if (name.size() > ext.size() && name.substr(name.size() - ext.size()) == ext) {
      return std::string(type);
    }
  }
  return {};
}

Result<StaticFiles, std::string> StaticFiles::load(const std::filesystem::path& directory,
                                                   std::size_t max_total_bytes) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(directory, ec)) return "portal directory not found: " + directory.string();
  StaticFiles out;
  std::size_t total = 0;
  // Not following directory links: what is served is what lies in the directory itself.
  fs::recursive_directory_iterator it(directory, fs::directory_options::none, ec), end;
  if (ec) return "cannot read " + directory.string() + ": " + ec.message();
  for (; it != end; it.increment(ec)) {
    if (ec) return "cannot read " + directory.string() + ": " + ec.message();
    const auto& entry = *it;
    const std::string name = entry.path().filename().string();
    if (!name.empty() && name.front() == '.') {
      if (entry.is_directory(ec)) it.disable_recursion_pending();
      continue;
    }
    if (entry.is_symlink(ec) || !entry.is_regular_file(ec)) continue;
    auto type = content_type_for(name);
    if (type.empty()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::ostringstream body;
    body << in.rdbuf();
    if (!in) return "cannot read " + entry.path().string();
    total += body.str().size();
    if (total > max_total_bytes) return "portal directory holds more than the size limit";
    out.files_[fs::relative(entry.path(), directory).generic_string()] = {std::move(type),
                                                                          body.str()};
  }
  if (!out.find("index.html")) return "portal directory has no index.html: " + directory.string();
  return out;
}

const StaticFile* StaticFiles::find(std::string_view relative) const {
  auto it = files_.find(relative);
  return it == files_.end() ? nullptr : &it->second;
}

}  // namespace bronpoort::portal
