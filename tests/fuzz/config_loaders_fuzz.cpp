// Every config loader, one per value of byte 0 (mod 9); the rest of the input is the document.
//   0 gateway.json            config::load_gateway_config (from a file, as the CLI reads it)
//   1 purpose file            access::parse_purpose
//   2 access section          access::load_access_config (purposes from config/purposes)
//   3 store section           common::read_store_config
//   4 source-holder file      sources::load_source_file (schemas from schemas/datasets)
//   5 linked-query file       linkage::read_linked_query (facts from the demo registry)
//   6 linkage section         linkage::load_linkage_config (files under config/)
//   7 processing-log section  processing_log::load_config: [section, store] or section alone
//   8 identity section        authenticate::load_config (JWKS and keys under config/)
// Relative paths in a section resolve against the repository's config/ directory, so a document
// close to the committed one reaches the deeper checks. A section reaches its loader only when the
// committed gateway.json with that section replaced passes gateway.schema.json, as on the real path
// (load_gateway_config checks the whole file before any stage loads its section). Config is
// operator input, not a client's, but a bad file must end in errors, never in a crash or an
// exception (the CLI and SIGHUP reload rely on it). A failure must name at least one error.

#include <bronpoort/access/access_config.hpp>
#include <bronpoort/access/purpose_register.hpp>
#include <bronpoort/authenticate/config.hpp>
#include <bronpoort/common/store_config.hpp>
#include <bronpoort/config/gateway_config.hpp>
#include <bronpoort/core/result.hpp>
#include <bronpoort/linkage/linked_query.hpp>
#include <bronpoort/processing_log/config.hpp>
#include <bronpoort/schema/bundled.hpp>
#include <bronpoort/sources/registry.hpp>

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <string>
#include <system_error>
#include <utility>

namespace {

using namespace bronpoort;
using nlohmann::json;
namespace fs = std::filesystem;

struct Setup {
  fs::path config_dir = fs::path(BRONPOORT_SOURCE_DIR) / "config";
  fs::path schema_dir = fs::path(BRONPOORT_SOURCE_DIR) / "schemas" / "datasets";
  fs::path scratch =
      fs::temp_directory_path() / ("bronpoort-fuzz-config-" + std::to_string(::getpid()));
  json gateway;  // the committed config/gateway.json
  std::shared_ptr<const sources::Registry> registry;
  linkage::ResourceLookup resources;
  linkage::PurposeLookup purposes;

  // The scratch directory goes when the process ends normally (libFuzzer's -max_total_time and
  // -runs both exit through exit(), which runs this); a crash leaves it for the post-mortem.
  ~Setup() {
    std::error_code ignored;
    fs::remove_all(scratch, ignored);
  }
  Setup(const Setup&) = delete;
  Setup& operator=(const Setup&) = delete;

  Setup() {
    ::setenv("BRONPOORT_DEBT_PG_DSN", "host=127.0.0.1 port=1 dbname=none", 0);
    fs::create_directories(scratch);
    std::ifstream in(config_dir / "gateway.json");
    gateway = json::parse(in, nullptr, false);
    if (gateway.is_discarded()) std::abort();
    auto load = sources::load_registry(json::object(), config_dir.string());
    if (!load.ok()) std::abort();
    registry = load.registry;
    auto reg = registry;
    resources = [reg](const std::string& dataset,
                      const std::string& resource) -> std::optional<linkage::ResourceFacts> {
      const auto* d = reg->dataset(dataset);
      const auto* r = d ? d->resource(resource) : nullptr;
      if (!r) return std::nullopt;
      linkage::ResourceFacts facts;
      for (const auto& f : r->fields) {
        facts.fields.push_back(
            {f.name, f.type == sources::FieldType::Integer || f.type == sources::FieldType::Number,
             f.is_date, r->sensitive_in_uri(f)});
      }
      if (r->subject) {
        facts.subject_field = r->subject->field;
        facts.subject_type = r->subject->type;
      }
      facts.max_page_size = r->max_page_size;
      return facts;
    };
    purposes = [](const std::string& id) -> std::optional<linkage::PurposeFacts> {
      if (id == "schuldhulp-monitor" || id == "rioolwater-surveillance") {
        return linkage::PurposeFacts{true};
      }
      if (id == "schuldhulpverlening-intake") return linkage::PurposeFacts{false};
      return std::nullopt;
    };
  }

  // Whether gateway.json with these sections in place passes the gateway schema.
  bool passes_gateway_schema(
      std::initializer_list<std::pair<const char*, const json*>> sections) const {
    json doc = gateway;
    for (const auto& [name, value] : sections) doc[name] = *value;
    static const auto& schema = schema::bundled_schema("gateway.schema.json");
    return schema.is_valid(doc);
  }

  fs::path write(const std::string& name, std::string_view text) const {
    const fs::path p = scratch / name;
    std::ofstream(p, std::ios::binary | std::ios::trunc)
        .write(text.data(), static_cast<std::streamsize>(text.size()));
    return p;
  }
};

template <typename T>
void expect_reasons(const Result<T, ConfigErrors>& result) {
  if (const auto* errors = std::get_if<ConfigErrors>(&result); errors && errors->empty()) {
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const Setup setup;
  if (size < 1) return 0;
  const int loader = data[0] % 9;
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  const std::string gateway_file = (setup.config_dir / "gateway.json").string();

  if (loader == 0) {
    auto r = config::load_gateway_config(setup.write("gateway.json", text));
    if (!r.config && r.errors.empty()) std::abort();
    return 0;
  }
  if (loader == 4) {
    sources::Registry registry;
    ConfigErrors errors;
    sources::load_source_file(setup.write("source.json", text).string(), setup.schema_dir.string(),
                              20, 100, registry, errors);
    return 0;
  }

  const json doc = json::parse(text, nullptr, false);
  if (doc.is_discarded()) return 0;
  switch (loader) {
    case 1:
      expect_reasons(access::parse_purpose(doc, "fuzz.json"));
      break;
    case 2:
      if (!setup.passes_gateway_schema({{"access", &doc}})) break;
      expect_reasons(access::load_access_config(doc, gateway_file));
      break;
    case 3: {
      if (!setup.passes_gateway_schema({{"store", &doc}})) break;
      ConfigErrors errors;
      auto store = common::read_store_config(doc, setup.config_dir, gateway_file, errors);
      if (!store && errors.empty()) std::abort();
      break;
    }
    case 5: {
      ConfigErrors errors;
      auto q =
          linkage::read_linked_query(doc, "fuzz.json", setup.resources, setup.purposes, errors);
      if (!q && errors.empty()) std::abort();
      break;
    }
    case 6: {
      if (!setup.passes_gateway_schema({{"linkage", &doc}})) break;
      auto r = linkage::load_linkage_config(doc, setup.config_dir, gateway_file, setup.resources,
                                            setup.purposes);
      expect_reasons(r);
      break;
    }
    case 7: {
      const bool pair = doc.is_array() && doc.size() == 2;
      const json& section = pair ? doc[0] : doc;
      const json store = pair ? doc[1] : json::object();
      if (!setup.passes_gateway_schema({{"processingLog", &section}, {"store", &store}})) break;
      const auto use =
          (size & 1) ? processing_log::KeyUse::VerifyOnly : processing_log::KeyUse::Write;
      expect_reasons(
          processing_log::load_config(section, store, setup.config_dir, gateway_file, use));
      break;
    }
    case 8:
      if (!setup.passes_gateway_schema({{"identity", &doc}})) break;
      expect_reasons(authenticate::load_config(doc, setup.config_dir, gateway_file));
      break;
    default:
      break;
  }
  return 0;
}
