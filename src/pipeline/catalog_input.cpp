#include <bronpoort/access/access_config.hpp>
#include <bronpoort/access/purpose_register.hpp>
#include <bronpoort/catalog/endpoints.hpp>
#include <bronpoort/catalog/openapi.hpp>
#include <bronpoort/pipeline/catalog_input.hpp>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <variant>

namespace bronpoort::pipeline {
namespace {

catalog::Field field_from(const sources::Resource& r, const sources::Field& f) {
  catalog::Field out;
  out.name = f.name;
  out.type = sources::field_type_name(f.type);
  out.format = f.is_date ? "date" : "";
  out.nullable = f.nullable;
  out.definition = f.definition;
  out.quality = f.quality;
  out.personal_data = f.personal_data;
  out.filterable = f.filterable;
  out.sortable = f.sortable;
  out.sensitive = r.sensitive_in_uri(f);
  return out;
}

std::vector<catalog::PurposeCoverage> coverage_of(const std::vector<access::Purpose>* purposes,
                                                  const std::string& dataset,
                                                  const std::string& resource) {
  std::vector<catalog::PurposeCoverage> out;
  if (purposes == nullptr) return out;
  for (const auto& p : *purposes) {
    const auto* fields = p.covered_fields(dataset, resource);
    if (fields == nullptr) continue;
    out.push_back({p.id, p.name, p.legal_basis.citation,
                   access::legal_basis_category_name(p.legal_basis.category), p.processing_activity,
                   access::scope_name(p.scope), p.roles, *fields, p.pre_approved});
  }
  return out;
}

catalog::Resource resource_from(const sources::Dataset& d, const sources::Resource& r,
                                const std::vector<access::Purpose>* purposes) {
  catalog::Resource out;
  out.id = r.id;
  out.id_field = r.id_field;
  if (r.subject) out.subject_type = r.subject->type;
  for (const auto& f : r.fields) out.fields.push_back(field_from(r, f));
  for (const auto& rel : r.relations)
    out.relations.push_back({rel.field, rel.dataset, rel.resource});
  out.purposes = coverage_of(purposes, d.id, r.id);
  out.schema = r.schema;
  out.default_page_size = r.default_page_size;
  out.max_page_size = r.max_page_size;
  return out;
}

}  // namespace

catalog::CatalogModel catalog_model_from(const sources::Registry& registry,
                                         const std::vector<access::Purpose>* purposes,
                                         std::vector<catalog::EndpointSignature> endpoints,
                                         catalog::CatalogConfig publisher) {
  catalog::CatalogModel model;
  model.publisher = std::move(publisher);
  model.endpoints = std::move(endpoints);
  for (const auto& d : registry.datasets) {
    const auto& org = registry.organisation_of(d);
    catalog::Dataset out;
    out.id = d.id;
    out.title = d.title;
    out.description = d.description;
    out.owner = d.owner;
    out.category = sources::category_name(d.category);
    out.license = d.license;
    out.organisation = {org.name, org.oin, {org.contact.name, org.contact.email, org.contact.url}};
    for (const auto& r : d.resources) out.resources.push_back(resource_from(d, r, purposes));
    model.datasets.push_back(std::move(out));
  }
  return model;
}

std::vector<catalog::EndpointSignature> endpoint_signatures(
    const std::vector<EndpointRoute>& routes) {
  std::vector<catalog::EndpointSignature> out;
  for (const auto& r : routes) out.push_back({r.method, r.path_template});
  return out;
}

CatalogLoad load_catalog(const config::GatewayConfig& cfg,
                         std::vector<catalog::EndpointSignature> endpoints) {
  CatalogLoad load;
  const std::string file = cfg.file.string();
  auto publisher = catalog::load_catalog_config(cfg.catalog, file, load.errors);
  auto registry = sources::load_registry(cfg.sources, cfg.base_dir.string());
  load.errors.insert(load.errors.end(), registry.errors.begin(), registry.errors.end());
  std::optional<access::AccessConfig> access_cfg;
  if (!cfg.access.empty()) {
    auto a = access::load_access_config(cfg.access, cfg.file);
    if (auto* errors = std::get_if<ConfigErrors>(&a)) {
      load.errors.insert(load.errors.end(), errors->begin(), errors->end());
    } else {
      access_cfg = std::move(std::get<access::AccessConfig>(a));
    }
  }
  if (!load.errors.empty() || !publisher || !registry.ok()) return load;
  const std::vector<access::Purpose>* purposes =
      access_cfg && access_cfg->purposes ? access_cfg->purposes.get() : nullptr;
  auto model = catalog_model_from(*registry.registry, purposes, std::move(endpoints), *publisher);
  load.errors = catalog::check_model(model, file);
  if (load.errors.empty())
    load.model = std::make_shared<const catalog::CatalogModel>(std::move(model));
  return load;
}

int run_openapi_command(int argc, char** argv) {
  std::string config_file = "config/gateway.json";
  for (int i = 0; i < argc; ++i) {
    if (std::strcmp(argv[i], "--config") == 0 && i + 1 < argc) {
      config_file = argv[++i];
    } else {
      std::fprintf(stderr, "usage: bronpoort openapi [--config FILE]\n");
      return 2;
    }
  }
  auto cfg = config::load_gateway_config(config_file);
  ConfigErrors errors = cfg.errors;
  CatalogLoad load;
  if (cfg.config) {
    // Without a running router, describe every fixed endpoint this version of the gateway offers.
    auto endpoints = catalog::described_endpoints();
    load = load_catalog(*cfg.config, std::move(endpoints));
    errors.insert(errors.end(), load.errors.begin(), load.errors.end());
  }
  if (!errors.empty() || !load.model) {
    for (const auto& e : errors) std::fprintf(stderr, "%s\n", e.to_string().c_str());
    return 1;
  }
  std::printf("%s\n", catalog::generate_openapi(*load.model).dump(2).c_str());
  return 0;
}

}  // namespace bronpoort::pipeline
