// The bronpoort executable's tools, run as a user would run them.

#include "support/gateway_process.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace bronpoort::testing {
namespace {

struct Run {
  int status;
  std::string out;
};

Run bronpoort(const TempDir& dir, const std::string& args) {
  auto out = dir.path() / "out.txt";
  int status = run_command(std::string(BRONPOORT_BINARY) + " " + args + " >" + out.string() + " 2>&1");
  std::ifstream in(out);
  std::stringstream s;
  s << in.rdbuf();
  return {status, s.str()};
}

TEST(Cli, ValidateReportsEachInstanceAndExitsByOutcome) {
  TempDir dir;
  auto schema = dir.write("s.json", R"({"$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object", "required": ["bsn"], "properties": {"bsn": {"type": "string", "pattern": "^[0-9]{9}$"}}})");
  auto good = dir.write("good.json", R"({"bsn": "123456782"})");
  auto bad = dir.write("bad.json", R"({"bsn": "12ab"})");
  auto ok = bronpoort(dir, "validate --schema " + schema.string() + " " + good.string());
  EXPECT_EQ(ok.status, 0) << ok.out;
  EXPECT_NE(ok.out.find("valid"), std::string::npos);
  auto fail = bronpoort(dir, "validate --schema " + schema.string() + " " + good.string() + " " + bad.string());
  EXPECT_EQ(fail.status, 1) << fail.out;
  EXPECT_NE(fail.out.find("invalid"), std::string::npos);
  EXPECT_NE(fail.out.find("/bsn"), std::string::npos);  // the instance pointer is named
  auto unusable = dir.write("broken.json", R"({"type": 12})");
  EXPECT_EQ(bronpoort(dir, "validate --schema " + unusable.string() + " " + good.string()).status, 2);
}

TEST(Cli, UnknownCommandAndBadArgumentsExitTwo) {
  TempDir dir;
  EXPECT_EQ(bronpoort(dir, "frobnicate").status, 2);
  EXPECT_EQ(bronpoort(dir, "check-config --bogus").status, 2);
  EXPECT_EQ(bronpoort(dir, "version").status, 0);
}

}  // namespace
}  // namespace bronpoort::testing
