#pragma once
// Loading and running cases in the JSON-Schema-Test-Suite format (a file is an array of groups,
// each with a schema and tests {description, data, valid}), shared by the draft7 and the
// draft2020-12 runners.

#include <bronpoort/schema/validator.hpp>

#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace bronpoort::schema::suite {

struct SuiteCase {
  std::string file;  // relative to the draft directory, e.g. "optional/format/email.json"
  std::string group;
  std::string description;
  nlohmann::json schema;
  nlohmann::json data;
  bool valid = false;
  std::string name;  // GoogleTest-safe

  // "file|group|test": how known exceptions name a case.
  std::string key() const { return file + "|" + group + "|" + description; }
};

// Every case in the .json files directly inside `root`/`subdir` (not its subdirectories), in
// file order.
std::vector<SuiteCase> load_cases(const std::filesystem::path& root, const std::string& subdir);

// Compiles the case's schema (retrieval URI http://localhost:1234/suite-test.json, references
// resolved through `registry`) and validates its data with all three entry points. Returns ""
// when every answer matches the expected validity, otherwise what went wrong.
std::string run_case(const SuiteCase& c, const SchemaRegistry& registry,
                     const CompileOptions& options);

inline std::string case_name(const ::testing::TestParamInfo<SuiteCase>& info) {
  return info.param.name;
}

}  // namespace bronpoort::schema::suite
