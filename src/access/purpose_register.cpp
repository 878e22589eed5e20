#include <bronpoort/access/purpose_register.hpp>
#include <bronpoort/config/schema_check.hpp>

#include <bronpoort/common/time.hpp>
#include <bronpoort/core/result.hpp>
#include "strict_json.hpp"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <set>
#include <sstream>

namespace bronpoort::access {

namespace {

bool field_name(const std::string& s) {
  if (s.empty() || s.size() > 64 || !(s[0] >= 'a' && s[0] <= 'z')) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  });
}

bool uri(const std::string& s) {
  auto colon = s.find(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == s.size()) return false;
  if (!std::isalpha(static_cast<unsigned char>(s[0]))) return false;
  for (std::size_t i = 0; i < colon; ++i) {
    char c = s[i];
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '.' && c != '-') {
      return false;
    }
  }
  return std::none_of(s.begin(), s.end(),
                      [](char c) { return static_cast<unsigned char>(c) <= 0x20 || c == 0x7f; });
}

struct PurposeParser {
  const std::string& file;
  ConfigErrors& errors;
  Purpose p;

  void legal_basis(StrictObject& doc) {
    const auto* v = doc.member("legalBasis", true);
    if (!v) return;
    StrictObject lb(*v, doc.at("legalBasis"), file, errors);
    if (!lb.ok()) return;
    lb.reject_unknown({"citation", "category"});
    if (auto c = lb.string("citation", true)) p.legal_basis.citation = *c;
    if (auto c = lb.string("category", true)) {
      if (auto cat = parse_legal_basis_category(*c)) {
        p.legal_basis.category = *cat;
      } else {
        lb.error(lb.at("category"),
                 "must be one of LegalObligation, PublicTask, Consent, Contract, VitalInterest, "
                 "LegitimateInterest");
      }
    }
  }

  void roles(StrictObject& doc) {
    const auto* v = doc.member("roles", true);
    if (!v) return;
    if (!v->is_array() || v->empty()) {
      doc.error(doc.at("roles"), "must be a non-empty array of role names");
      return;
    }
    for (std::size_t i = 0; i < v->size(); ++i) {
      const auto& r = (*v)[i];
      auto ptr = doc.at("roles") + "/" + std::to_string(i);
      if (!r.is_string() || !valid_purpose_id(r.get<std::string>())) {
        doc.error(ptr, "must be a kebab-case role name");
      } else if (std::find(p.roles.begin(), p.roles.end(), r.get<std::string>()) != p.roles.end()) {
        doc.error(ptr, "duplicate role '" + r.get<std::string>() + "'");
      } else {
        p.roles.push_back(r.get<std::string>());
      }
    }
  }

  void coverage(StrictObject& doc) {
    const auto* v = doc.member("coverage", true);
    if (!v) return;
    auto base = doc.at("coverage");
    if (!v->is_object() || v->empty()) {
      doc.error(base, "must be an object of datasets with at least one member");
      return;
    }
    for (const auto& [dataset, resources] : v->items()) {
      auto dptr = base + "/" + pointer_token(dataset);
      if (!valid_purpose_id(dataset)) doc.error(dptr, "dataset name must be kebab-case");
      if (!resources.is_object() || resources.empty()) {
        doc.error(dptr, "must be an object of resources with at least one member");
        continue;
      }
      for (const auto& [resource, fields] : resources.items()) {
        auto rptr = dptr + "/" + pointer_token(resource);
        if (!valid_purpose_id(resource)) doc.error(rptr, "resource name must be kebab-case");
        if (!fields.is_array() || fields.empty()) {
          doc.error(rptr, "must be a non-empty array of field names");
          continue;
        }
        std::set<std::string> seen;
        for (std::size_t i = 0; i < fields.size(); ++i) {
          auto fptr = rptr + "/" + std::to_string(i);
          if (!fields[i].is_string() || !field_name(fields[i].get<std::string>())) {
            doc.error(fptr, "must be a lowerCamelCase field name");
          } else if (!seen.insert(fields[i].get<std::string>()).second) {
            doc.error(fptr, "duplicate field '" + fields[i].get<std::string>() + "'");
          }
        }
        p.coverage[dataset][resource] = std::vector<std::string>(seen.begin(), seen.end());
      }
    }
  }

  void validity(StrictObject& doc) {
    const auto* v = doc.member("validity", true);
    if (!v) return;
    StrictObject val(*v, doc.at("validity"), file, errors);
    if (!val.ok()) return;
    val.reject_unknown({"from", "until"});
    if (auto from = val.string("from", true)) {
      if (auto d = common::parse_date(*from)) {
        p.valid_from = *d;
      } else {
        val.error(val.at("from"), "must be a date (YYYY-MM-DD)");
      }
    }
    if (auto until = val.string("until", false)) {
      if (auto d = common::parse_date(*until)) {
        p.valid_until = *d;
        if (*d < p.valid_from) val.error(val.at("until"), "must not be before 'from'");
      } else {
        val.error(val.at("until"), "must be a date (YYYY-MM-DD)");
      }
    }
  }

  void parse(const nlohmann::json& json) {
    StrictObject doc(json, "", file, errors);
    if (!doc.ok()) return;
    doc.reject_unknown({"$schema", "id", "name", "description", "legalBasis", "processingActivity",
                        "roles", "coverage", "scope", "validity", "preApproved",
                        "precedentAcrossOrganisations"});
    doc.string("$schema", false);
    if (auto id = doc.string("id", true)) {
      if (valid_purpose_id(*id)) {
        p.id = *id;
      } else {
        doc.error("/id", "must be kebab-case (a-z, 0-9, single hyphens), at most 64 characters");
      }
    }
    if (auto s = doc.string("name", true)) p.name = *s;
    if (auto s = doc.string("description", true)) p.description = *s;
    legal_basis(doc);
    if (auto s = doc.string("processingActivity", true)) {
      if (uri(*s)) {
        p.processing_activity = *s;
      } else {
        doc.error("/processingActivity", "must be an absolute URI");
      }
    }
    roles(doc);
    coverage(doc);
    if (auto s = doc.string("scope", true)) {
      if (*s == "case") {
        p.scope = PurposeScope::Case;
      } else if (*s == "dataset") {
        p.scope = PurposeScope::Dataset;
      } else {
        doc.error("/scope", "must be 'case' or 'dataset'");
      }
    }
    validity(doc);
    if (auto b = doc.boolean("preApproved", true)) p.pre_approved = *b;
    if (auto b = doc.boolean("precedentAcrossOrganisations", false)) {
      p.precedent_across_organisations = *b;
    }
  }
};

}  // namespace

Result<Purpose, ConfigErrors> parse_purpose(const nlohmann::json& doc, const std::string& file) {
  ConfigErrors errors;
  PurposeParser parser{file, errors, {}};
  parser.p.source_file = file;
  parser.parse(doc);
  if (!errors.empty()) return errors;
  return std::move(parser.p);
}

Result<std::vector<Purpose>, ConfigErrors> load_purposes(const std::filesystem::path& dir) {
  ConfigErrors errors;
  std::vector<Purpose> purposes;
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    return ConfigErrors{{dir.string(), "", "purpose register directory not found"}};
  }
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (entry.is_regular_file() && entry.path().extension() == ".json") {
      files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  std::set<std::string> ids;
  for (const auto& path : files) {
    const auto file = path.string();
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    auto json = nlohmann::json::parse(text.str(), nullptr, false);
    if (json.is_discarded()) {
      errors.push_back({file, "", "not valid JSON"});
      continue;
    }
    if (!config::check_against_schema("purpose.schema.json", json, file, errors)) continue;
    auto parsed = parse_purpose(json, file);
    if (auto* errs = std::get_if<ConfigErrors>(&parsed)) {
      errors.insert(errors.end(), errs->begin(), errs->end());
      continue;
    }
    auto& purpose = std::get<Purpose>(parsed);
    if (path.stem().string() != purpose.id) {
      errors.push_back({file, "/id",
                        "must match the file name ('" + path.stem().string() +
                            "'), so a purpose is found where its id says"});
    } else if (!ids.insert(purpose.id).second) {
      errors.push_back({file, "/id", "duplicate purpose id '" + purpose.id + "'"});
    } else {
      purposes.push_back(std::move(purpose));
    }
  }
  if (!errors.empty()) return errors;
  return purposes;
}

nlohmann::json purpose_to_json(const Purpose& p) {
  nlohmann::json coverage = nlohmann::json::object();
  for (const auto& [dataset, resources] : p.coverage) {
    for (const auto& [resource, fields] : resources) coverage[dataset][resource] = fields;
  }
  nlohmann::json validity = {{"from", common::format_date(p.valid_from)}};
  if (p.valid_until) validity["until"] = common::format_date(*p.valid_until);
  return {{"id", p.id},
          {"name", p.name},
          {"description", p.description},
          {"legalBasis",
           {{"citation", p.legal_basis.citation},
            {"category", legal_basis_category_name(p.legal_basis.category)}}},
          {"processingActivity", p.processing_activity},
          {"roles", p.roles},
          {"coverage", coverage},
          {"scope", scope_name(p.scope)},
          {"validity", validity},
          {"preApproved", p.pre_approved},
          {"precedentAcrossOrganisations", p.precedent_across_organisations}};
}

}  // namespace bronpoort::access

namespace bronpoort::access {

ConfigErrors check_coverage(const std::vector<Purpose>& purposes,
                            const ResourceFieldsFn& fields_of) {
  ConfigErrors errors;
  for (const auto& p : purposes) {
    for (const auto& [dataset, resources] : p.coverage) {
      for (const auto& [resource, fields] : resources) {
        auto ptr = "/coverage/" + pointer_token(dataset) + "/" + pointer_token(resource);
        auto known = fields_of(dataset, resource);
        if (!known) {
          errors.push_back({p.source_file, ptr,
                            "no source registers resource '" + dataset + "/" + resource + "'"});
          continue;
        }
        // Coverage is stored sorted, so the index is into the sorted list; the message names the
        // field, which is what a reader looks for.
        for (const auto& f : fields) {
          if (std::find(known->begin(), known->end(), f) == known->end()) {
            errors.push_back({p.source_file, ptr,
                              "field '" + f + "' is not a field of " + dataset + "/" + resource});
          }
        }
      }
    }
  }
  return errors;
}

}  // namespace bronpoort::access
