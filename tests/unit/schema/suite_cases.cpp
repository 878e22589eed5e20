#include "suite_cases.hpp"

#include <algorithm>
#include <fstream>

namespace bronpoort::schema::suite {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::string safe_name(const std::string& s) {
  std::string out;
  for (char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    out.push_back(ok ? c : '_');
  }
  return out;
}

}  // namespace

std::vector<SuiteCase> load_cases(const fs::path& root, const std::string& subdir) {
  std::vector<SuiteCase> cases;
  fs::path dir = root / subdir;
  if (!fs::is_directory(dir)) return cases;
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.is_regular_file() && entry.path().extension() == ".json")
      files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  for (const auto& file : files) {
    std::ifstream in(file);
    json groups = json::parse(in, nullptr, false);
    if (!groups.is_array()) continue;
    std::string rel = fs::relative(file, root).generic_string();
    for (const auto& group : groups) {
      for (const auto& test : group["tests"]) {
        SuiteCase c{rel,
                    group["description"],
                    test["description"],
                    group["schema"],
                    test["data"],
                    test["valid"].get<bool>(),
                    ""};
        c.name = std::to_string(cases.size()) + "_" + safe_name(rel.substr(0, rel.size() - 5)) +
                 "_" + safe_name(c.group).substr(0, 40) + "_" +
                 safe_name(c.description).substr(0, 40);
        cases.push_back(std::move(c));
      }
    }
  }
  return cases;
}

std::string run_case(const SuiteCase& c, const SchemaRegistry& registry,
                     const CompileOptions& options) {
  Compiler compiler(registry, options);
  auto compiled = compiler.compile(c.schema, "http://localhost:1234/suite-test.json");
  if (!compiled) {
    std::string why = "schema did not compile:";
    for (const auto& e : compiled.errors()) why += " " + e.to_string();
    return why;
  }
  auto all = compiled.schema()->validate(c.data, ValidationMode::kAllErrors);
  auto first = compiled.schema()->validate(c.data, ValidationMode::kFirstError);
  bool quick = compiled.schema()->is_valid(c.data);
  if (all.valid != first.valid || all.valid != quick) return "validation modes disagree";
  if (all.valid != c.valid) {
    std::string why = std::string("expected ") + (c.valid ? "valid" : "invalid") + ", got " +
                      (all.valid ? "valid" : "invalid");
    for (const auto& e : all.errors) why += "\n  " + e.to_string();
    return why;
  }
  if (!all.valid && all.errors.empty()) return "invalid without any error reported";
  return "";
}

}  // namespace bronpoort::schema::suite
