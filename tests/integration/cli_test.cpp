// The bronpoort executable's tools, run as a user would run them.

#include "support/gateway_process.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <cstdlib>
#include <filesystem>
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
  std::string cmd = BRONPOORT_BINARY;
  cmd += " " + args + " >" + out.string() + " 2>&1";
  int status = run_command(cmd);
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
  auto fail = bronpoort(
      dir, "validate --schema " + schema.string() + " " + good.string() + " " + bad.string());
  EXPECT_EQ(fail.status, 1) << fail.out;
  EXPECT_NE(fail.out.find("invalid"), std::string::npos);
  EXPECT_NE(fail.out.find("/bsn"), std::string::npos);  // the instance pointer is named
  auto unusable = dir.write("broken.json", R"({"type": 12})");
  EXPECT_EQ(bronpoort(dir, "validate --schema " + unusable.string() + " " + good.string()).status,
            2);
}

// check-config reads every file against its schema and reports every violation in one run, each
// with its file and JSON pointer; serve refuses to start on the same files.
TEST(Cli, CheckConfigReportsEveryViolationWithFileAndPointer) {
  namespace fs = std::filesystem;
  using nlohmann::json;
  TempDir dir;
  const fs::path src = BRONPOORT_SOURCE_DIR;
  fs::copy(src / "config", dir.path() / "config", fs::copy_options::recursive);
  const fs::path config = dir.path() / "config";
  auto edit = [&](const fs::path& file, auto change) {
    json doc = json::parse(std::ifstream(file));
    change(doc);
    std::ofstream(file) << doc.dump(2);
  };
  edit(config / "gateway.json", [&](json& g) {
    g["sources"]["schemaDirectory"] = (src / "schemas" / "datasets").string();
    g["store"]["path"] = (dir.path() / "bronpoort.db").string();
  });
  edit(config / "sources/kvk-demo-businesses.json", [](json& s) {
    s["organisation"]["oin"] = "42";
    s["datasets"][0]["license"] = 5;
  });
  edit(config / "purposes/adres-verificatie.json", [](json& p) {
    p["scope"] = "everything";
    p["roles"] = json::array();
  });
  ::setenv("BRONPOORT_DEBT_PG_DSN", "host=127.0.0.1 port=1", 1);
  const std::string cfg = " --config " + (config / "gateway.json").string();
  auto run = bronpoort(dir, "check-config" + cfg);
  EXPECT_EQ(run.status, 1) << run.out;
  const std::string kvk = (config / "sources/kvk-demo-businesses.json").string();
  const std::string purpose = (config / "purposes/adres-verificatie.json").string();
  for (const std::string& expected :
       {kvk + ":/organisation/oin: string does not match pattern",
        kvk + ":/datasets/0/license: expected string, got integer",
        purpose + ":/scope: value must be one of [\"case\",\"dataset\"]",
        purpose + ":/roles: at least 1 items allowed, got 0", std::string("4 error(s)")}) {
    EXPECT_NE(run.out.find(expected), std::string::npos) << expected << "\n" << run.out;
  }
  EXPECT_EQ(bronpoort(dir, "serve" + cfg).status, 1);

  // gateway.json itself: every section against the gateway schema.
  edit(config / "gateway.json", [](json& g) {
    g["server"]["limits"]["maxBodyByte"] = 1;
    g["processingLog"]["maxBatchRecords"] = 0;
    g["catalog"].erase("contact");
  });
  auto gateway = bronpoort(dir, "check-config" + cfg);
  EXPECT_EQ(gateway.status, 1);
  const std::string file = (config / "gateway.json").string();
  for (const std::string& expected :
       {file + ":/server/limits/maxBodyByte: property 'maxBodyByte' is not allowed",
        file + ":/processingLog/maxBatchRecords: value 0 must be >= 1",
        file + ":/catalog: required property 'contact' is missing", std::string("3 error(s)")}) {
    EXPECT_NE(gateway.out.find(expected), std::string::npos) << expected << "\n" << gateway.out;
  }
}

TEST(Cli, UnknownCommandAndBadArgumentsExitTwo) {
  TempDir dir;
  EXPECT_EQ(bronpoort(dir, "frobnicate").status, 2);
  EXPECT_EQ(bronpoort(dir, "check-config --bogus").status, 2);
  EXPECT_EQ(bronpoort(dir, "version").status, 0);
}

}  // namespace
}  // namespace bronpoort::testing
