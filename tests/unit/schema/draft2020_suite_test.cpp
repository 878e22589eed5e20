// JSON Schema 2020-12 conformance.
//
// The official JSON-Schema-Test-Suite's draft2020-12 directory, vendored under
// tests/unit/schema/data/json-schema-test-suite/ because the Debian package predates 2020-12 (its
// README says from which commit). Each suite test is one GoogleTest case; the suite's remotes/
// directory is served as http://localhost:1234/ from disk. The required set runs with the default
// CompileOptions, as an outside schema would be compiled: there `format` is an annotation. The
// optional/format set is for validators that assert formats, so it runs with FormatMode::kAssert,
// the mode of Bronpoort's own schemas.
//
// Beside it, cases of our own in the suite's format (tests/unit/schema/data/): Unicode patterns,
// big numbers, annotation paths of unevaluated*, and our format checks under FormatMode::kAssert.
//
// Every required case is its own test and must pass. The optional sets (for which the suite
// itself says an implementation may differ) are counted, not asserted: Draft2020SuiteFigures
// prints how many pass and which files hold the rest (listed with reasons in
// docs/schema-validator.md).

#include "suite_cases.hpp"

#include <filesystem>
#include <iostream>
#include <map>

#include <gtest/gtest.h>

namespace bronpoort::schema {
namespace {

namespace fs = std::filesystem;
using suite::case_name;
using suite::SuiteCase;

const fs::path kData = fs::path(BRONPOORT_SOURCE_DIR) / "tests/unit/schema/data";
const fs::path kSuite = kData / "json-schema-test-suite";
const fs::path kDraftDir = kSuite / "tests/draft2020-12";

const SchemaRegistry& remotes() {
  static const SchemaRegistry* registry = [] {
    auto* r = new SchemaRegistry();
    r->map_directory("http://localhost:1234/", (kSuite / "remotes").string());
    return r;
  }();
  return *registry;
}

CompileOptions options_for(FormatMode formats) {
  CompileOptions options;
  options.default_draft = Draft::kDraft2020_12;
  options.formats = formats;
  return options;
}

// The set a case belongs to decides how formats are treated: asserted only for optional/format.
FormatMode formats_for(const SuiteCase& c) {
  return c.file.starts_with("optional/format/") ? FormatMode::kAssert : FormatMode::kDialectDefault;
}

class Draft2020Suite : public ::testing::TestWithParam<SuiteCase> {};

TEST_P(Draft2020Suite, MatchesExpectedValidity) {
  const SuiteCase& c = GetParam();
  EXPECT_EQ(suite::run_case(c, remotes(), options_for(formats_for(c))), "")
      << c.file << " / " << c.group << " / " << c.description << "\nschema: " << c.schema.dump()
      << "\ndata: " << c.data.dump();
}

INSTANTIATE_TEST_SUITE_P(Required, Draft2020Suite,
                         ::testing::ValuesIn(suite::load_cases(kDraftDir, "")), case_name);

TEST(Draft2020SuiteFigures, SuiteIsPresentAndEveryRequiredCasePasses) {
  ASSERT_TRUE(fs::is_directory(kDraftDir)) << kDraftDir << " is missing";
  for (const auto& [label, subdir] : std::vector<std::pair<std::string, std::string>>{
           {"required", ""}, {"optional/format", "optional/format"}, {"optional", "optional"}}) {
    auto cases = suite::load_cases(kDraftDir, subdir);
    std::size_t passed = 0;
    std::map<std::string, std::size_t> failing;  // file -> cases not passing
    for (const auto& c : cases) {
      if (suite::run_case(c, remotes(), options_for(formats_for(c))).empty()) {
        ++passed;
      } else {
        ++failing[c.file];
      }
    }
    std::cout << "draft2020-12 " << label << ": " << passed << "/" << cases.size() << " passed\n";
    for (const auto& [file, n] : failing) std::cout << "  " << file << ": " << n << " not\n";
    if (label == "required") {
      EXPECT_GT(cases.size(), 1000u);
      EXPECT_EQ(passed, cases.size());
    }
  }
}

// Cases of our own, written from the specification in the suite's format.
class Draft2020Cases : public ::testing::TestWithParam<SuiteCase> {};

TEST_P(Draft2020Cases, MatchesSpecification) {
  const SuiteCase& c = GetParam();
  FormatMode formats =
      c.file.starts_with("formats-asserted/") ? FormatMode::kAssert : FormatMode::kDialectDefault;
  EXPECT_EQ(suite::run_case(c, remotes(), options_for(formats)), "")
      << c.group << " / " << c.description << "\nschema: " << c.schema.dump()
      << "\ndata: " << c.data.dump();
}

INSTANTIATE_TEST_SUITE_P(Spec, Draft2020Cases, ::testing::ValuesIn(suite::load_cases(kData, "")),
                         case_name);
INSTANTIATE_TEST_SUITE_P(SpecAssertedFormats, Draft2020Cases,
                         ::testing::ValuesIn(suite::load_cases(kData, "formats-asserted")),
                         case_name);

}  // namespace
}  // namespace bronpoort::schema
