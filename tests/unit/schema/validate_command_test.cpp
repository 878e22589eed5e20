// `bronpoort validate`: output lines and exit status for files, --jsonl, --ref-dir and broken
// schemas.

#include <bronpoort/schema/validate_command.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <unistd.h>

#include <gtest/gtest.h>

namespace bronpoort::schema {
namespace {

namespace fs = std::filesystem;

class ValidateCommand : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("bronpoort-validate-" + std::to_string(::getpid()));
    fs::create_directories(dir_ / "remote");
    write("person.schema.json", R"({"type": "object", "required": ["name"],
        "properties": {"name": {"type": "string"}, "age": {"$ref": "common.json#/$defs/age"},
                       "zip": {"$ref": "https://bronpoort.test/remote/zip.json"}}})");
    write("common.json", R"({"$defs": {"age": {"type": "integer", "minimum": 0}}})");
    write("remote/zip.json", R"({"type": "string", "pattern": "^[0-9]{4}$"})");
    write("good.json", R"({"name": "Jan", "age": 40, "zip": "1234"})");
    write("bad.json", R"({"age": -1, "zip": "12"})");
    write("broken.json", R"({"name": )");
  }
  void TearDown() override { fs::remove_all(dir_); }

  void write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name) << text;
  }

  int run(std::vector<std::string> args, const std::string& input = "") {
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    std::istringstream in(input);
    out_.str("");
    err_.str("");
    return run_validate_command(static_cast<int>(argv.size()), argv.data(), in, out_, err_);
  }

  std::string path(const std::string& name) { return (dir_ / name).string(); }
  std::string ref_dir() { return "https://bronpoort.test/remote/=" + path("remote"); }

  fs::path dir_;
  std::ostringstream out_;
  std::ostringstream err_;
};

TEST_F(ValidateCommand, AllValidExitsZeroWithOneLinePerInstance) {
  EXPECT_EQ(
      run({"--schema", path("person.schema.json"), "--ref-dir", ref_dir(), path("good.json")}), 0)
      << err_.str();
  EXPECT_EQ(out_.str(), "valid " + path("good.json") + "\n");
}

TEST_F(ValidateCommand, InvalidInstanceExitsOneAndListsEveryError) {
  EXPECT_EQ(run({"--schema", path("person.schema.json"), "--ref-dir", ref_dir(), path("good.json"),
                 path("bad.json"), path("broken.json")}),
            1);
  std::istringstream lines(out_.str());
  std::string good, bad, broken, extra;
  std::getline(lines, good);
  std::getline(lines, bad);
  std::getline(lines, broken);
  EXPECT_FALSE(std::getline(lines, extra));
  EXPECT_EQ(good.rfind("valid ", 0), 0u);
  EXPECT_EQ(bad.rfind("invalid " + path("bad.json") + ": ", 0), 0u);
  EXPECT_NE(bad.find("required property 'name' is missing"), std::string::npos) << bad;
  EXPECT_NE(bad.find("/age: value -1 must be >= 0"), std::string::npos) << bad;
  EXPECT_NE(bad.find("/zip: string does not match pattern"), std::string::npos) << bad;
  EXPECT_EQ(broken, "invalid " + path("broken.json") + ": not valid JSON");
}

TEST_F(ValidateCommand, JsonlReadsOneInstancePerLine) {
  std::string input = R"({"name": "a"})"
                      "\n\n"
                      R"({"name": 1})"
                      "\nnot json\n";
  EXPECT_EQ(run({"--schema", path("person.schema.json"), "--ref-dir", ref_dir(), "--jsonl"}, input),
            1);
  EXPECT_EQ(out_.str().substr(0, 13), "valid line 1\n");
  EXPECT_NE(out_.str().find("invalid line 3: /name: expected string"), std::string::npos)
      << out_.str();
  EXPECT_NE(out_.str().find("invalid line 4: not valid JSON"), std::string::npos);
}

TEST_F(ValidateCommand, UnusableSchemaExitsTwo) {
  // Without --ref-dir the remote reference cannot resolve, and nothing is fetched.
  EXPECT_EQ(run({"--schema", path("person.schema.json"), path("good.json")}), 2);
  EXPECT_NE(err_.str().find("cannot resolve reference 'https://bronpoort.test/remote/zip.json'"),
            std::string::npos)
      << err_.str();
  EXPECT_EQ(run({"--schema", path("broken.json"), path("good.json")}), 2);
  EXPECT_EQ(run({"--schema", path("missing.json"), path("good.json")}), 2);
}

TEST_F(ValidateCommand, UsageErrorsExitTwo) {
  EXPECT_EQ(run({}), 2);
  EXPECT_EQ(run({"--schema", path("person.schema.json")}), 2);
  EXPECT_EQ(
      run({"--schema", path("person.schema.json"), "--ref-dir", "nonsense", path("good.json")}), 2);
  EXPECT_EQ(run({"--schema", path("person.schema.json"), "--bogus", path("good.json")}), 2);
}

}  // namespace
}  // namespace bronpoort::schema
