// The composition root's conversion of the demo source registry and purpose register into the
// catalog model, and the gateway refusing a catalog whose relations point nowhere.

#include <bronpoort/access/purpose_register.hpp>
#include <bronpoort/catalog/endpoints.hpp>
#include <bronpoort/catalog/openapi.hpp>
#include <bronpoort/pipeline/catalog_input.hpp>
#include <bronpoort/pipeline/gateway_builder.hpp>

#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace bronpoort::pipeline {
namespace {

namespace fs = std::filesystem;
const fs::path kSource = BRONPOORT_SOURCE_DIR;

nlohmann::json sources_section(const fs::path& dir) {
  return {{"directory", dir.string()},
          {"schemaDirectory", (kSource / "schemas" / "datasets").string()}};
}

nlohmann::json catalog_section() {
  return {
      {"contact", {{"name", "Team"}, {"email", "team@example.nl"}, {"url", "https://example.nl"}}}};
}

class CatalogInput : public ::testing::Test {
 protected:
  void SetUp() override { ::setenv("BRONPOORT_DEBT_PG_DSN", "host=127.0.0.1 dbname=unused", 0); }
};

TEST_F(CatalogInput, ConvertsRegistryAndPurposes) {
  auto registry = sources::load_registry(sources_section(kSource / "config" / "sources"), "");
  ASSERT_TRUE(registry.ok()) << registry.errors.front().to_string();
  auto purposes = access::load_purposes(kSource / "config" / "purposes");
  ASSERT_TRUE(std::holds_alternative<std::vector<access::Purpose>>(purposes));
  const auto& list = std::get<std::vector<access::Purpose>>(purposes);
  auto model = catalog_model_from(*registry.registry, &list, catalog::endpoint_signatures(), {});

  const catalog::Dataset* persons = model.dataset("persons");
  ASSERT_NE(persons, nullptr);
  EXPECT_EQ(persons->category, "person");
  EXPECT_FALSE(persons->organisation.contact.email.empty());
  const catalog::Resource& r = persons->resources.front();
  EXPECT_EQ(r.subject_type, "BSN");
  EXPECT_TRUE(r.field("bsn")->sensitive);
  EXPECT_FALSE(r.detail_in_uri());
  EXPECT_EQ(r.field("birthDate")->format, "date");
  EXPECT_FALSE(r.purposes.empty());
  for (const auto& p : r.purposes) {
    EXPECT_FALSE(p.legal_basis.empty()) << p.id;
    EXPECT_FALSE(p.fields.empty()) << p.id;
  }
  EXPECT_TRUE(catalog::check_model(model, "gateway.json").empty());
  EXPECT_TRUE(model.dataset("sewage-surveillance")->resources.front().detail_in_uri());
}

TEST_F(CatalogInput, WithoutPurposeRegisterResourcesListNoPurposes) {
  auto registry = sources::load_registry(sources_section(kSource / "config" / "sources"), "");
  ASSERT_TRUE(registry.ok());
  auto model = catalog_model_from(*registry.registry, nullptr, {}, {});
  for (const auto& d : model.datasets) {
    for (const auto& r : d.resources) EXPECT_TRUE(r.purposes.empty());
  }
}

class GatewayWithCatalog : public CatalogInput {
 protected:
  config::GatewayConfig config(const fs::path& sources) {
    config::GatewayConfig cfg;
    cfg.file = kSource / "config" / "gateway.json";
    cfg.base_dir = kSource / "config";
    cfg.server.listeners.push_back({});
    cfg.sources = sources_section(sources);
    cfg.catalog = catalog_section();
    // Sources need the access checker and the processing log: no data without both.
    cfg.access = {{"purposes", "purposes"}};
    cfg.store = {{"kind", "sqlite"}, {"path", (store_dir_ / "bronpoort.db").string()}};
    cfg.processing_log = {{"chainId", "catalog-unit"},
                          {"pseudonymKeyId", "demo-2026"},
                          {"pseudonymKeyFile", "keys/demo-pseudonym.key"},
                          {"checkpointKeyFile", "keys/demo-log-checkpoint-ed25519.pem"},
                          {"checkpointKeyId", "demo"},
                          {"checkpointPublicKeyFile", "keys/demo-log-checkpoint-ed25519.pub.pem"}};
    return cfg;
  }
  void SetUp() override {
    CatalogInput::SetUp();
    store_dir_ =
        fs::temp_directory_path() / ("bronpoort-catalog-unit-" + std::to_string(::getpid()));
    fs::create_directories(store_dir_);
  }
  void TearDown() override { fs::remove_all(store_dir_); }
  fs::path store_dir_;
};

TEST_F(GatewayWithCatalog, BuildsWithTheCatalogRoutes) {
  auto cfg = config(kSource / "config" / "sources");
  ConfigErrors errors;
  auto services = GatewayServices::start(cfg, errors);
  ASSERT_NE(services, nullptr);
  auto built = build_gateway(cfg, *services);
  EXPECT_TRUE(built.errors.empty()) << built.errors.front().to_string();
  EXPECT_NE(built.pipeline, nullptr);
  EXPECT_TRUE(check_gateway_config(cfg).empty());
}

TEST_F(GatewayWithCatalog, MissingCatalogContactIsAConfigError) {
  auto cfg = config(kSource / "config" / "sources");
  cfg.catalog = {{"title", "No contact"}};
  EXPECT_FALSE(check_gateway_config(cfg).empty());
  ConfigErrors errors;
  auto services = GatewayServices::start(cfg, errors);
  ASSERT_NE(services, nullptr);
  EXPECT_EQ(build_gateway(cfg, *services).pipeline, nullptr);
}

}  // namespace
}  // namespace bronpoort::pipeline
