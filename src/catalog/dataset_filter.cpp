// Filtering the catalog: category, organisation and free text, as GET /v1/datasets offers them.

#include <bronpoort/catalog/catalog_views.hpp>
#include <bronpoort/core/result.hpp>

#include <algorithm>
#include <cctype>
#include <set>

namespace bronpoort::catalog {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::vector<std::string> words(std::string_view text) {
  std::vector<std::string> out;
  std::string current;
  for (char c : text) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      if (!current.empty()) out.push_back(lower(current));
      current.clear();
    } else {
      current += c;
    }
  }
  if (!current.empty()) out.push_back(lower(current));
  return out;
}

// The text a free-text query searches: titles, descriptions and field definitions.
std::string searchable_text(const Dataset& d) {
  std::string text = d.id + "\n" + d.title + "\n" + d.description + "\n" + d.organisation.name;
  for (const auto& r : d.resources) {
    text += "\n" + r.id;
    for (const auto& f : r.fields) text += "\n" + f.name + "\n" + f.definition;
  }
  return lower(text);
}

bool matches(const Dataset& d, const DatasetFilter& filter) {
  if (filter.category && d.category != *filter.category) return false;
  if (filter.organisation && d.organisation.oin != *filter.organisation &&
      lower(d.organisation.name).find(lower(*filter.organisation)) == std::string::npos) {
    return false;
  }
  if (filter.q) {
    const std::string text = searchable_text(d);
    for (const auto& w : words(*filter.q)) {
      if (text.find(w) == std::string::npos) return false;
    }
  }
  return true;
}

}  // namespace

Result<DatasetFilter> parse_dataset_filter(
    const std::vector<std::pair<std::string, std::string>>& query) {
  DatasetFilter filter;
  std::vector<InvalidParam> invalid;
  std::set<std::string> seen;
  for (const auto& [key, value] : query) {
    if (!seen.insert(key).second) {
      invalid.push_back({key, "given more than once", "duplicate-parameter"});
      continue;
    }
    std::optional<std::string>* target = nullptr;
    if (key == "category") {
      target = &filter.category;
    } else if (key == "organisation") {
      target = &filter.organisation;
    } else if (key == "q") {
      target = &filter.q;
    } else {
      invalid.push_back({key, "not a parameter of this endpoint; use category, organisation or q",
                         "unknown-parameter"});
      continue;
    }
    if (value.empty() || value.size() > 200) {
      invalid.push_back({key, "must be between 1 and 200 characters", "invalid-value"});
      continue;
    }
    if (key == "category" && value != "person" && value != "business" && value != "location" &&
        value != "sensor") {
      invalid.push_back(
          {key, "must be one of person, business, location, sensor", "invalid-value"});
      continue;
    }
    *target = value;
  }
  if (!invalid.empty()) {
    Problem p = make_problem(400, "invalid-query",
                             "The query does not fit the dataset catalog; see invalidParams.");
    p.invalid_params = std::move(invalid);
    return p;
  }
  return filter;
}

std::vector<const Dataset*> find_datasets(const CatalogModel& model, const DatasetFilter& filter) {
  std::vector<const Dataset*> out;
  for (const auto& d : model.datasets) {
    if (matches(d, filter)) out.push_back(&d);
  }
  return out;
}

bool prefers_json_ld(std::string_view accept) {
  // Media ranges with their q-values; the JSON-LD type wins only when it is asked for and not
  // ranked below plain JSON, so browsers and generic clients keep getting application/json.
  double ld = -1;
  double plain = -1;
  std::size_t pos = 0;
  while (pos <= accept.size()) {
    std::size_t end = accept.find(',', pos);
    if (end == std::string_view::npos) end = accept.size();
    std::string_view part = accept.substr(pos, end - pos);
    pos = end + 1;
    std::size_t semi = part.find(';');
    std::string type = lower(part.substr(0, semi));
    type.erase(
        std::remove_if(type.begin(), type.end(), [](unsigned char c) { return std::isspace(c); }),
        type.end());
    double q = 1.0;
    if (semi != std::string_view::npos) {
      std::string params = lower(part.substr(semi + 1));
      std::size_t qpos = params.find("q=");
      if (qpos != std::string::npos) {
        try {
          q = std::stod(params.substr(qpos + 2));
        } catch (const std::exception&) {
          q = 0;
        }
      }
    }
    if (type == "application/ld+json") ld = std::max(ld, q);
    if (type == "application/json") plain = std::max(plain, q);
  }
  return ld > 0 && ld >= plain;
}

}  // namespace bronpoort::catalog
