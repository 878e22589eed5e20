// Runs the official JSON-Schema-Test-Suite's draft7 directory (Debian package
// json-schema-test-suite) as one GoogleTest case per suite test. Remote references
// (http://localhost:1234/) are served from the package's remotes directory through the registry,
// never the network.
//
// Known deviations are listed in kKnownExceptions with their reason (also in
// docs/schema-validator.md); they are skipped with that reason, not hidden.

#include "suite_cases.hpp"

#include <filesystem>
#include <iostream>
#include <map>

#include <gtest/gtest.h>

namespace bronpoort::schema {
namespace {

namespace fs = std::filesystem;
using suite::SuiteCase;

const fs::path kSuiteRoot = "/usr/share/json-schema-test-suite";

constexpr const char* kContentIsAnnotation =
    "contentEncoding/contentMediaType are annotations (draft-07 section 8 lets validators skip "
    "them; 2020-12 makes them annotation-only), so they are not asserted";

// "file|group|test" -> why we deviate.
const std::map<std::string, std::string> kKnownExceptions = {
    {"optional/format/idn-hostname.json|validation of internationalized host names|"
     "illegal first char U+302E Hangul single dot tone mark",
     "idn-hostname is checked structurally (labels, lengths, hyphens); the IDNA2008 code-point "
     "tables (RFC 5892) are not built in"},
    {"optional/format/idn-hostname.json|validation of internationalized host names|"
     "contains illegal char U+302E Hangul single dot tone mark",
     "idn-hostname is checked structurally (labels, lengths, hyphens); the IDNA2008 code-point "
     "tables (RFC 5892) are not built in"},
    {"optional/content.json|validation of string-encoded content based on media type|"
     "an invalid JSON document",
     kContentIsAnnotation},
    {"optional/content.json|validation of binary string-encoding|"
     "an invalid base64 string (% is not a valid character)",
     kContentIsAnnotation},
    {"optional/content.json|validation of binary-encoded media type documents|"
     "a validly-encoded invalid JSON document",
     kContentIsAnnotation},
    {"optional/content.json|validation of binary-encoded media type documents|"
     "an invalid base64 string that is valid JSON",
     kContentIsAnnotation},
};

std::vector<SuiteCase> load_cases(const std::string& draft, const std::string& subdir) {
  return suite::load_cases(kSuiteRoot / "tests" / draft, subdir);
}

const SchemaRegistry& remotes() {
  static const SchemaRegistry* registry = [] {
    auto* r = new SchemaRegistry();
    r->map_directory("http://localhost:1234/", (kSuiteRoot / "remotes").string());
    return r;
  }();
  return *registry;
}

// Draft-07 lets an implementation assert `format`; with the default FormatMode we do, so the
// optional/format tests run with the options every outside schema gets.
std::string run_case(const SuiteCase& c, Draft draft) {
  CompileOptions options;
  options.default_draft = draft;
  return suite::run_case(c, remotes(), options);
}

class Draft7Suite : public ::testing::TestWithParam<SuiteCase> {};

TEST_P(Draft7Suite, MatchesExpectedValidity) {
  const SuiteCase& c = GetParam();
  auto known = kKnownExceptions.find(c.key());
  if (known != kKnownExceptions.end()) GTEST_SKIP() << "known exception: " << known->second;
  EXPECT_EQ(run_case(c, Draft::kDraft7), "")
      << c.file << " / " << c.group << " / " << c.description << "\nschema: " << c.schema.dump()
      << "\ndata: " << c.data.dump();
}

using suite::case_name;

INSTANTIATE_TEST_SUITE_P(Required, Draft7Suite, ::testing::ValuesIn(load_cases("draft7", "")),
                         case_name);
INSTANTIATE_TEST_SUITE_P(OptionalFormat, Draft7Suite,
                         ::testing::ValuesIn(load_cases("draft7", "optional/format")), case_name);
INSTANTIATE_TEST_SUITE_P(Optional, Draft7Suite,
                         ::testing::ValuesIn(load_cases("draft7", "optional")), case_name);

TEST(Draft7SuiteFigures, PackageIsInstalledAndFiguresArePrinted) {
  ASSERT_TRUE(fs::is_directory(kSuiteRoot / "tests" / "draft7"))
      << "install the Debian package json-schema-test-suite (scripts/run.sh lists it)";
  for (const auto& [label, subdir] : std::vector<std::pair<std::string, std::string>>{
           {"required", ""}, {"optional/format", "optional/format"}, {"optional", "optional"}}) {
    auto cases = load_cases("draft7", subdir);
    std::size_t passed = 0;
    for (const auto& c : cases) passed += run_case(c, Draft::kDraft7).empty();
    std::cout << "draft7 " << label << ": " << passed << "/" << cases.size() << " passed\n";
    if (label == "required") {
      EXPECT_EQ(passed, cases.size());
    }
  }
}

}  // namespace
}  // namespace bronpoort::schema
