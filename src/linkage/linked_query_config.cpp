#include "query_checker.hpp"

#include <bronpoort/common/json_reader.hpp>
#include <bronpoort/config/gateway_config.hpp>
#include <bronpoort/config/schema_check.hpp>
#include <bronpoort/linkage/linked_query.hpp>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

namespace bronpoort::linkage {
namespace {

namespace fs = std::filesystem;

void read_input(const nlohmann::json& in, std::size_t index, const ResourceLookup& resources,
                QueryChecker& check, LinkedQuery& q) {
  const std::string at = "/inputs/" + std::to_string(index);
  Input input;
  input.name = in["name"];
  input.dataset = in["dataset"];
  input.resource = in["resource"];
  input.key = in["key"];
  auto facts = resources(input.dataset, input.resource);
  if (!facts) {
    check.error(at + "/resource",
                "no resource " + input.dataset + "/" + input.resource + " is registered");
    return;
  }
  input.page_size = facts->max_page_size;
  if (facts->subject_field.empty() || facts->subject_field != input.key) {
    check.error(at + "/key", facts->subject_field.empty()
                                 ? "records of " + input.dataset + "/" + input.resource +
                                       " are not about data subjects: there is nothing to link on"
                                 : "the key must be the resource's data subject field '" +
                                       facts->subject_field + "'");
    return;
  }
  input.key_type = facts->subject_type;
  if (!q.inputs.empty() && q.inputs.front().key_type != input.key_type) {
    check.error(at + "/key", "links " + input.key_type + " to " + q.inputs.front().key_type +
                                 ": every input's key must identify the same kind of subject");
  }
  const auto& fields = in["fields"];
  for (std::size_t i = 0; i < fields.size(); ++i) {
    const std::string fat = at + "/fields/" + std::to_string(i);
    InputField f;
    if (fields[i].is_string()) {
      f.field = fields[i].get<std::string>();
      f.column = f.field;
    } else {
      f.field = fields[i]["field"];
      f.column = fields[i]["as"];
    }
    const FieldFacts* ff = facts->field(f.field);
    if (!ff) {
      check.error(fat,
                  "'" + f.field + "' is not a field of " + input.dataset + "/" + input.resource);
      continue;
    }
    if (f.field == input.key || ff->identifying) {
      check.error(fat, "'" + f.field +
                           "' identifies a person; it is never delivered (the key becomes a "
                           "pseudonym)");
      continue;
    }
    Column column;
    column.numeric = ff->numeric;
    column.is_date = ff->is_date;
    column.input = index;
    column.field = f.field;
    check.add_column(f.column, std::move(column), fat);
    input.fields.push_back(std::move(f));
  }
  q.inputs.push_back(std::move(input));
}

void read_derived(const nlohmann::json& list, QueryChecker& check, LinkedQuery& q) {
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string at = "/derived/" + std::to_string(i);
    Derived d;
    d.name = list[i]["name"];
    d.from = list[i]["from"];
    Column derived;
    derived.derived = true;
    if (const Column* c = check.need_column(d.from, at + "/from"); c && !c->is_date) {
      check.error(at + "/from", "'" + d.from + "' is not a date column");
    } else if (c) {
      derived.input = c->input;
      derived.field = c->field;
    }
    if (list[i].contains("ageBands")) {
      d.age_bands = list[i]["ageBands"].get<std::vector<int>>();
      if (!std::is_sorted(d.age_bands.begin(), d.age_bands.end()) ||
          std::adjacent_find(d.age_bands.begin(), d.age_bands.end()) != d.age_bands.end()) {
        check.error(at + "/ageBands", "band limits must be strictly ascending");
      }
    } else {
      d.date_part = list[i]["datePart"];
      derived.date_part = d.date_part;
    }
    check.add_column(d.name, derived, at + "/name");
    q.derived.push_back(std::move(d));
  }
}

void read_deliveries(const nlohmann::json& doc, QueryChecker& check, LinkedQuery& q) {
  if (const auto it = doc.find("aggregate"); it != doc.end()) {
    AggregateSpec a;
    a.min_cell_size = (*it)["minCellSize"];
    const auto& group_by = (*it)["groupBy"];
    for (std::size_t i = 0; i < group_by.size(); ++i) {
      a.group_by.push_back(group_by[i]);
      check.need_column(a.group_by.back(), "/aggregate/groupBy/" + std::to_string(i));
    }
    const auto& measures = (*it)["measures"];
    std::set<std::string> names(a.group_by.begin(), a.group_by.end());
    for (std::size_t i = 0; i < measures.size(); ++i) {
      const std::string at = "/aggregate/measures/" + std::to_string(i);
      Measure m;
      m.name = measures[i]["name"];
      const std::string op = measures[i]["op"];
      m.op = op == "countRows" ? MeasureOp::CountRows
             : op == "sum"     ? MeasureOp::Sum
             : op == "avg"     ? MeasureOp::Avg
                               : MeasureOp::CountSubjects;
      if (!names.insert(m.name).second) check.error(at + "/name", "'" + m.name + "' is used twice");
      if (m.op == MeasureOp::Sum || m.op == MeasureOp::Avg) {
        m.column = measures[i]["field"];
        if (const Column* c = check.need_column(m.column, at + "/field"); c && !c->numeric) {
          check.error(at + "/field", "'" + m.column + "' is not numeric");
        }
      }
      a.measures.push_back(std::move(m));
    }
    q.aggregate = std::move(a);
  }
  if (const auto it = doc.find("rows"); it != doc.end()) {
    RowsSpec r;
    r.min_cohort = (*it)["minCohort"];
    const auto& columns = (*it)["columns"];
    for (std::size_t i = 0; i < columns.size(); ++i) {
      r.columns.push_back(columns[i]);
      if (r.columns.back() == "pseudonym") {
        check.error("/rows/columns/" + std::to_string(i),
                    "'pseudonym' is always delivered; it is not a column to name");
      } else {
        check.need_column(r.columns.back(), "/rows/columns/" + std::to_string(i));
      }
    }
    q.rows = std::move(r);
  }
}

std::optional<std::string> read_secret(const nlohmann::json& section, const fs::path& base_dir,
                                       const std::string& file, ConfigErrors& errors) {
  const std::string env = section.value("pseudonymKeyEnv", "BRONPOORT_LINKAGE_PSEUDONYM_KEY");
  std::string secret;
  if (const char* v = std::getenv(env.c_str()); v && *v) {
    secret = v;
  } else if (section.contains("pseudonymKeyFile")) {
    fs::path p = section["pseudonymKeyFile"].get<std::string>();
    if (p.is_relative()) p = base_dir / p;
    std::ifstream in(p, std::ios::binary);
    if (!in) {
      errors.push_back({file, "/linkage/pseudonymKeyFile", "cannot read " + p.string()});
      return std::nullopt;
    }
    std::stringstream s;
    s << in.rdbuf();
    secret = s.str();
    while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r')) secret.pop_back();
  } else {
    errors.push_back(
        {file, "/linkage/pseudonymKeyEnv",
         "environment variable " + env + " is not set and no pseudonymKeyFile is given"});
    return std::nullopt;
  }
  if (secret.size() < 32) {
    errors.push_back({file, "/linkage", "the pseudonym secret must be at least 32 bytes"});
    return std::nullopt;
  }
  return secret;
}

}  // namespace

std::vector<std::string> Input::fetched_fields() const {
  std::vector<std::string> out = {key};
  for (const auto& f : fields) {
    if (std::find(out.begin(), out.end(), f.field) == out.end()) out.push_back(f.field);
  }
  return out;
}

const LinkedQuery* LinkageConfig::find(const std::string& id) const {
  for (const auto& q : queries) {
    if (q.id == id) return &q;
  }
  return nullptr;
}

const DeclaredFilter* LinkedQuery::filter(const std::string& column) const {
  for (const auto& f : filters) {
    if (f.column == column) return &f;
  }
  return nullptr;
}

const FieldFacts* ResourceFacts::field(const std::string& name) const {
  for (const auto& f : fields) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

std::optional<LinkedQuery> read_linked_query(const nlohmann::json& doc, const std::string& file,
                                             const ResourceLookup& resources,
                                             const PurposeLookup& purposes, ConfigErrors& errors) {
  // The schema settles every key, type and range; what follows checks the references.
  if (!config::check_against_schema("linked-query.schema.json", doc, file, errors)) {
    return std::nullopt;
  }
  const std::size_t before = errors.size();
  QueryChecker check(file, errors);
  LinkedQuery q;
  q.id = doc["id"];
  q.title = doc["title"];
  q.description = doc["description"];
  q.purpose = doc["purpose"];
  q.file = file;
  auto purpose = purposes(q.purpose);
  if (!purpose) {
    check.error("/purpose", "no purpose '" + q.purpose + "' is in the purpose register");
  } else if (!purpose->dataset_scope) {
    check.error("/purpose",
                "purpose '" + q.purpose +
                    "' has scope case: linked queries serve purposes with scope dataset");
  }
  const auto& inputs = doc["inputs"];
  std::set<std::string> input_names;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    if (!input_names.insert(inputs[i]["name"].get<std::string>()).second) {
      check.error("/inputs/" + std::to_string(i) + "/name", "input names must differ");
    }
    read_input(inputs[i], i, resources, check, q);
  }
  if (doc.contains("derived")) read_derived(doc["derived"], check, q);
  if (doc.contains("filters")) read_filters(doc["filters"], check, q);
  read_deliveries(doc, check, q);
  if (errors.size() != before) return std::nullopt;
  return q;
}

LinkageLoad load_linkage_config(const nlohmann::json& section, const fs::path& base_dir,
                                const std::string& config_file, const ResourceLookup& resources,
                                const PurposeLookup& purposes) {
  ConfigErrors errors;
  auto cfg = std::make_shared<LinkageConfig>();
  fs::path dir = section.value("directory", "");
  if (dir.is_relative()) dir = base_dir / dir;
  cfg->max_input_records = section.value("maxInputRecords", cfg->max_input_records);
  cfg->max_rows = section.value("maxRows", cfg->max_rows);
  cfg->max_concurrent_runs = section.value("maxConcurrentRuns", cfg->max_concurrent_runs);
  cfg->max_run = std::chrono::seconds(section.value("maxRunSeconds", cfg->max_run.count()));
  if (auto secret = read_secret(section, base_dir, config_file, errors)) {
    cfg->pseudonym_key = std::move(*secret);
  }
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    errors.push_back({config_file, "/linkage/directory", "no directory " + dir.string()});
    return errors;
  }
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    if (e.path().extension() == ".json") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  std::map<std::string, std::string> seen;  // id -> file
  for (const auto& path : files) {
    ConfigErrors file_errors;
    auto doc = config::read_json_file(path, file_errors);
    if (doc) {
      if (auto q = read_linked_query(*doc, path.string(), resources, purposes, file_errors)) {
        if (auto [it, fresh] = seen.emplace(q->id, path.string()); !fresh) {
          file_errors.push_back(
              {path.string(), "/id", "id '" + q->id + "' is also used by " + it->second});
        } else {
          cfg->queries.push_back(std::move(*q));
        }
      }
    }
    errors.insert(errors.end(), file_errors.begin(), file_errors.end());
  }
  if (!errors.empty()) return errors;
  std::sort(cfg->queries.begin(), cfg->queries.end(),
            [](const LinkedQuery& a, const LinkedQuery& b) { return a.id < b.id; });
  return std::shared_ptr<const LinkageConfig>(std::move(cfg));
}

}  // namespace bronpoort::linkage
