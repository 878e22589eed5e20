// The purpose register: the demo purposes load, and every kind of mistake in a purpose file is
// reported with file, JSON pointer and reason.
#include <bronpoort/access/access_config.hpp>
#include <bronpoort/access/purpose_register.hpp>

#include <gtest/gtest.h>

#include <fstream>

namespace bronpoort::access {
namespace {

const std::filesystem::path kSource = BRONPOORT_SOURCE_DIR;

nlohmann::json valid_doc() {
  return nlohmann::json::parse(R"({
    "id": "adres-check",
    "name": "Adrescheck",
    "description": "Check one address.",
    "legalBasis": {"citation": "Wet BAG", "category": "LegalObligation"},
    "processingActivity": "https://register.example.nl/va/adres-check",
    "roles": ["case-worker"],
    "coverage": {"addresses": {"addresses": ["street", "addressId"]}},
    "scope": "case",
    "validity": {"from": "2024-01-01", "until": "2030-12-31"},
    "preApproved": true
  })");
}

ConfigErrors errors_of(const nlohmann::json& doc) {
  auto r = parse_purpose(doc, "p.json");
  return std::holds_alternative<ConfigErrors>(r) ? std::get<ConfigErrors>(r) : ConfigErrors{};
}

bool has_error(const ConfigErrors& errors, const std::string& pointer, const std::string& part) {
  for (const auto& e : errors) {
    if (e.pointer == pointer && e.reason.find(part) != std::string::npos && e.file == "p.json") {
      return true;
    }
  }
  return false;
}

TEST(PurposeRegister, DemoPurposesLoad) {
  auto r = load_purposes(kSource / "config/purposes");
  ASSERT_TRUE(std::holds_alternative<std::vector<Purpose>>(r))
      << std::get<ConfigErrors>(r).front().to_string();
  const auto& purposes = std::get<std::vector<Purpose>>(r);
  ASSERT_GE(purposes.size(), 4u);
  auto find = [&](const std::string& id) {
    return std::find_if(purposes.begin(), purposes.end(),
                        [&](const Purpose& p) { return p.id == id; });
  };
  auto intake = find("schuldhulpverlening-intake");
  ASSERT_NE(intake, purposes.end());
  EXPECT_EQ(intake->scope, PurposeScope::Case);
  EXPECT_TRUE(intake->allows_role("case-worker"));
  EXPECT_NE(intake->legal_basis.citation.find("artikel 4a"), std::string::npos);
  ASSERT_NE(intake->covered_fields("debt-assistance", "cases"), nullptr);
  EXPECT_NE(find("rioolwater-surveillance"), purposes.end());
  EXPECT_NE(find("adres-verificatie"), purposes.end());
  EXPECT_NE(find("bedrijven-analyse"), purposes.end());
}

TEST(PurposeRegister, ParsesAllMembers) {
  auto r = parse_purpose(valid_doc(), "p.json");
  ASSERT_TRUE(std::holds_alternative<Purpose>(r));
  const auto& p = std::get<Purpose>(r);
  EXPECT_EQ(p.legal_basis.category, LegalBasisCategory::LegalObligation);
  EXPECT_EQ(*p.covered_fields("addresses", "addresses"),
            (std::vector<std::string>{"addressId", "street"}));  // sorted
  EXPECT_TRUE(p.pre_approved);
  ASSERT_TRUE(p.valid_until);
  EXPECT_EQ(purpose_to_json(p)["validity"]["until"], "2030-12-31");
}

// Precedents stay within the requesting organisation unless the purpose opts in (issue #12 item 6).
TEST(PurposeRegister, PrecedentAcrossOrganisationsIsAnOptInFlag) {
  auto absent = std::get<Purpose>(parse_purpose(valid_doc(), "p.json"));
  EXPECT_FALSE(absent.precedent_across_organisations);
  EXPECT_EQ(purpose_to_json(absent)["precedentAcrossOrganisations"], false);
  auto doc = valid_doc();
  doc["precedentAcrossOrganisations"] = true;
  auto opted = std::get<Purpose>(parse_purpose(doc, "p.json"));
  EXPECT_TRUE(opted.precedent_across_organisations);
  EXPECT_EQ(purpose_to_json(opted)["precedentAcrossOrganisations"], true);
  doc["precedentAcrossOrganisations"] = "yes";
  EXPECT_TRUE(has_error(errors_of(doc), "/precedentAcrossOrganisations", "true or false"));
}

TEST(PurposeRegister, UnknownMemberIsAnError) {
  auto doc = valid_doc();
  doc["legalBasis"]["article"] = "4a";
  doc["owner"] = "x";
  auto errors = errors_of(doc);
  EXPECT_TRUE(has_error(errors, "/legalBasis/article", "unknown member"));
  EXPECT_TRUE(has_error(errors, "/owner", "unknown member"));
}

TEST(PurposeRegister, ReportsEachBadMemberWithItsPointer) {
  auto doc = valid_doc();
  doc["id"] = "Adres Check";
  doc["legalBasis"]["category"] = "Because";
  doc["processingActivity"] = "not a uri";
  doc["roles"] = nlohmann::json::array({"case-worker", "case-worker"});
  doc["coverage"]["addresses"]["addresses"][1] = "street";
  doc["scope"] = "everything";
  doc["validity"]["until"] = "2023-02-30";
  doc["preApproved"] = "yes";
  doc.erase("name");
  auto errors = errors_of(doc);
  EXPECT_TRUE(has_error(errors, "/id", "kebab-case"));
  EXPECT_TRUE(has_error(errors, "/legalBasis/category", "LegalObligation"));
  EXPECT_TRUE(has_error(errors, "/processingActivity", "URI"));
  EXPECT_TRUE(has_error(errors, "/roles/1", "duplicate"));
  EXPECT_TRUE(has_error(errors, "/coverage/addresses/addresses/1", "duplicate"));
  EXPECT_TRUE(has_error(errors, "/scope", "case"));
  EXPECT_TRUE(has_error(errors, "/validity/until", "date"));
  EXPECT_TRUE(has_error(errors, "/preApproved", "true or false"));
  EXPECT_TRUE(has_error(errors, "", R"("name")"));
}

TEST(PurposeRegister, RejectsEmptyCoverageAndUntilBeforeFrom) {
  auto doc = valid_doc();
  doc["coverage"]["persons"] = nlohmann::json::object();
  doc["validity"] = {{"from", "2025-01-01"}, {"until", "2024-01-01"}};
  auto errors = errors_of(doc);
  EXPECT_TRUE(has_error(errors, "/coverage/persons", "at least one"));
  EXPECT_TRUE(has_error(errors, "/validity/until", "before"));
}

class PurposeDir : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("bronpoort-purposes-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  void write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name) << text;
  }
  std::filesystem::path dir_;
};

TEST_F(PurposeDir, FileNameMustMatchIdAndJsonMustParse) {
  write("other-name.json", valid_doc().dump());
  write("broken.json", "{\"id\": ");
  auto r = load_purposes(dir_);
  ASSERT_TRUE(std::holds_alternative<ConfigErrors>(r));
  const auto& errors = std::get<ConfigErrors>(r);
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_NE(errors[0].file.find("broken.json"), std::string::npos);
  EXPECT_EQ(errors[0].reason, "not valid JSON");
  EXPECT_EQ(errors[1].pointer, "/id");
}

TEST_F(PurposeDir, AccessSectionLoadsTheRegisterRelativeToGatewayConfig) {
  std::filesystem::create_directories(dir_ / "purposes");
  std::ofstream(dir_ / "purposes" / "adres-check.json") << valid_doc().dump();
  auto gateway = dir_ / "gateway.json";
  auto r = load_access_config({{"purposes", "purposes"}, {"grantValidityDays", 90}}, gateway);
  ASSERT_TRUE(std::holds_alternative<AccessConfig>(r));
  const auto& config = std::get<AccessConfig>(r);
  EXPECT_EQ(config.grant_validity, std::chrono::days{90});
  ASSERT_EQ(config.purposes->size(), 1u);

  auto bad = load_access_config({{"purposes", "purposes"}, {"grantValidity", 90}}, gateway);
  ASSERT_TRUE(std::holds_alternative<ConfigErrors>(bad));
  EXPECT_EQ(std::get<ConfigErrors>(bad).front().pointer, "/access/grantValidity");
}

// The JSON Schema and the typed parser must agree on the members and which are required.
TEST(PurposeSchema, MatchesTheParser) {
  std::ifstream in(kSource / "schemas/purpose.schema.json");
  auto schema = nlohmann::json::parse(in);
  EXPECT_EQ(schema["$schema"], "https://json-schema.org/draft/2020-12/schema");
  EXPECT_FALSE(schema["additionalProperties"].get<bool>());
  for (const auto& key : schema["required"]) {
    auto doc = valid_doc();
    doc.erase(key.get<std::string>());
    EXPECT_TRUE(has_error(errors_of(doc), "", "\"" + key.get<std::string>() + "\"")) << key;
  }
  auto doc = valid_doc();
  doc["precedentAcrossOrganisations"] = false;  // optional, so valid_doc() leaves it out
  for (const auto& [key, _] : doc.items()) {
    EXPECT_TRUE(schema["properties"].contains(key)) << key;
  }
}

}  // namespace
}  // namespace bronpoort::access

namespace bronpoort::access {
namespace {

// The demo purposes name exactly the demo datasets' fields.
TEST(PurposeRegister, DemoCoverageMatchesTheDemoDatasets) {
  auto loaded = load_purposes(kSource / "config/purposes");
  ASSERT_TRUE(std::holds_alternative<std::vector<Purpose>>(loaded));
  const std::map<std::string, std::vector<std::string>> demo = {
      {"persons/persons",
       {"bsn", "givenName", "familyName", "birthDate", "addressId", "municipality"}},
      {"businesses/businesses", {"kvkNumber", "name", "sbiCode", "addressId", "foundedDate"}},
      {"addresses/addresses",
       {"addressId", "street", "houseNumber", "postcode", "city", "latitude", "longitude"}},
      {"sewage-surveillance/measurements",
       {"measurementId", "plantId", "plantName", "date", "virus", "concentration"}},
      {"debt-assistance/cases",
       {"caseId", "bsn", "municipality", "openedDate", "status", "debtAmount"}},
  };
  auto fields_of = [&](const std::string& d,
                       const std::string& r) -> std::optional<std::vector<std::string>> {
    auto it = demo.find(d + "/" + r);
    if (it == demo.end()) return std::nullopt;
    return it->second;
  };
  auto errors = check_coverage(std::get<std::vector<Purpose>>(loaded), fields_of);
  for (const auto& e : errors) ADD_FAILURE() << e.to_string();

  auto broken = std::get<std::vector<Purpose>>(loaded);
  broken[0].coverage["persons"]["persons"].push_back("shoeSize");
  broken[0].coverage["persons"]["pets"] = {"name"};
  auto found = check_coverage(broken, fields_of);
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0].pointer, "/coverage/persons/persons");
  EXPECT_NE(found[0].reason.find("shoeSize"), std::string::npos);
  EXPECT_EQ(found[1].pointer, "/coverage/persons/pets");
}

}  // namespace
}  // namespace bronpoort::access
