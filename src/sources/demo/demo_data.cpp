#include "demo_data.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <random>
#include <shared_mutex>

namespace bronpoort::demo {
namespace {

// std::mt19937_64 is fully specified by the standard; distributions are not, so values are
// derived from raw draws to stay identical on every platform.
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : gen_(seed) {}
  std::uint64_t below(std::uint64_t n) { return gen_() % n; }
  template <typename T>
  const T& pick(const std::vector<T>& v) {
    return v[below(v.size())];
  }

 private:
  std::mt19937_64 gen_;
};

const std::vector<std::string> kGivenNames = {
    "Anna",   "Bram",    "Daan",  "Emma", "Fenna",  "Finn",  "Julia", "Lars",  "Lotte",  "Luuk",
    "Mila",   "Noah",    "Sanne", "Sem",  "Sophie", "Thijs", "Tess",  "Jesse", "Eva",    "Ruben",
    "Fatima", "Mohamed", "Yara",  "Omar", "Priya",  "Wei",   "Olga",  "Piotr", "Ingrid", "Kees"};
const std::vector<std::string> kFamilyNames = {
    "de Jong", "Jansen", "de Vries", "van den Berg", "van Dijk", "Bakker",   "Janssen",
    "Visser",  "Smit",   "Meijer",   "de Boer",      "Mulder",   "de Groot", "Bos",
    "Vos",     "Peters", "Hendriks", "van Leeuwen",  "Dekker",   "Brouwer",  "El Amrani",
    "Yilmaz",  "Nguyen", "Kowalski", "Öztürk"};
const std::vector<std::string> kStreets = {
    "Kerkstraat",    "Schoolstraat", "Molenweg",    "Dorpsstraat", "Stationsweg",
    "Julianastraat", "Beatrixlaan",  "Parallelweg", "Nieuwstraat", "Markt",
    "Lindelaan",     "Eikenlaan",    "Havenkade"};
struct City {
  const char* name;
  const char* code;  // municipality code, 4 digits
  int postcode_base;
  double lat, lon;
};
const std::vector<City> kCities = {
    {"Amsterdam", "0363", 1010, 52.3676, 4.9041}, {"Rotterdam", "0599", 3011, 51.9244, 4.4777},
    {"Utrecht", "0344", 3511, 52.0907, 5.1214},   {"Den Haag", "0518", 2511, 52.0705, 4.3007},
    {"Groningen", "0014", 9711, 53.2194, 6.5665}, {"Eindhoven", "0772", 5611, 51.4416, 5.4697},
    {"Zwolle", "0193", 8011, 52.5168, 6.0830},    {"Demostad", "0999", 7411, 52.2500, 6.1600}};
const std::vector<std::string> kSbi = {"4711", "5610", "6201", "6920", "8610", "4120",
                                       "4941", "8559", "9602", "4778", "7022", "1071"};
const std::vector<std::string> kBizWords = {"Noord", "Zon",  "Polder", "Tulp", "Delta", "Molen",
                                            "Haven", "Duin", "Kanaal", "Lely", "Brug",  "Linde"};
const std::vector<std::string> kBizKinds = {"Bakkerij",  "Advies",   "Techniek", "Zorg",  "Bouw",
                                            "Logistiek", "Software", "Kapsalon", "Handel"};
const std::vector<std::string> kViruses = {"SARS-CoV-2", "RSV", "Influenza-A"};

std::string date_string(int days_since_1900) {
  // Civil-from-days (Howard Hinnant), epoch 1900-01-01 = day 0.
  int z = days_since_1900 - 25567 + 719468;  // days since 1970-01-01, shifted to 0000-03-01
  int era = (z >= 0 ? z : z - 146096) / 146097;
  int doe = z - era * 146097;
  int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int y = yoe + era * 400;
  int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int mp = (5 * doy + 2) / 153;
  int d = doy - (153 * mp + 2) / 5 + 1;
  int m = mp < 10 ? mp + 3 : mp - 9;
  if (m <= 2) ++y;
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
  return buf;
}

constexpr int kDay1930 = 10957;  // days from 1900-01-01 to 1930-01-01
constexpr int kDay2025 = 45656;  // days from 1900-01-01 to 2025-01-01

}  // namespace

bool passes_eleven_test(const std::string& bsn) {
  if (bsn.size() != 9) return false;
  int sum = 0;
  for (int i = 0; i < 8; ++i) sum += (9 - i) * (bsn[i] - '0');
  sum -= bsn[8] - '0';
  return sum % 11 == 0 && bsn[0] != '0';
}

void DemoTable::index() {
  indexes_ = std::make_shared<FieldIndexes>();  // built again on first use, from these records
  by_id.clear();
  for (std::size_t i = 0; i < records.size(); ++i) {
    const auto& v = records[i][id_field];
    by_id[v.is_string() ? v.get<std::string>() : v.dump()] = i;
  }
}

const nlohmann::json* DemoTable::find(const std::string& id) const {
  auto it = by_id.find(id);
  return it == by_id.end() ? nullptr : &records[it->second];
}

namespace {

// Equal values give equal keys: numbers by their double value, strings and booleans as they are;
// other kinds never equal anything in a query (empty key, not indexed).
std::string equality_key(const nlohmann::json& v) {
  if (v.is_number()) {
    double d = v.get<double>();
    if (d == 0) d = 0;  // -0 == 0
    std::string key(1 + sizeof d, 'n');
    std::memcpy(key.data() + 1, &d, sizeof d);
    return key;
  }
  if (v.is_string()) return "s" + v.get<std::string>();
  if (v.is_boolean()) return v.get<bool>() ? "b1" : "b0";
  return {};
}

}  // namespace

struct DemoTable::FieldIndexes {
  std::shared_mutex mutex;
  std::unordered_map<std::string, std::unordered_map<std::string, std::vector<std::size_t>>>
      by_field;
};

DemoTable::DemoTable() : indexes_(std::make_shared<FieldIndexes>()) {}

const std::vector<std::size_t>& DemoTable::equal(const std::string& field,
                                                 const nlohmann::json& value) const {
  static const std::vector<std::size_t> kNone;
  const std::string key = equality_key(value);
  if (key.empty()) return kNone;
  auto lookup = [&]() -> const std::vector<std::size_t>* {
    auto f = indexes_->by_field.find(field);
    if (f == indexes_->by_field.end()) return nullptr;
    auto v = f->second.find(key);
    return v == f->second.end() ? &kNone : &v->second;
  };
  {
    std::shared_lock lock(indexes_->mutex);
    if (const auto* found = lookup()) return *found;
  }
  std::unique_lock lock(indexes_->mutex);
  auto [slot, created] = indexes_->by_field.try_emplace(field);
  if (created) {
    for (std::size_t i = 0; i < records.size(); ++i) {
      auto it = records[i].find(field);
      if (it == records[i].end()) continue;
      auto k = equality_key(*it);
      if (!k.empty()) slot->second[k].push_back(i);
    }
  }
  return *lookup();
}

DemoData generate(const DemoOptions& options) {
  Rng rng(options.seed);
  DemoData data;
  data.addresses.id_field = "addressId";
  std::size_t n_addresses = std::max<std::size_t>(1000, options.persons / 2);
  for (std::size_t i = 0; i < n_addresses; ++i) {
    const City& c = rng.pick(kCities);
    char id[48];
    std::snprintf(id, sizeof id, "%s20%010zu", c.code, i + 1);
    char pc[48];
    std::snprintf(pc, sizeof pc, "%04d%c%c", c.postcode_base + static_cast<int>(rng.below(80)),
                  static_cast<char>('A' + rng.below(26)), static_cast<char>('A' + rng.below(26)));
    double lat = c.lat + (static_cast<double>(rng.below(20001)) - 10000) / 250000.0;
    double lon = c.lon + (static_cast<double>(rng.below(20001)) - 10000) / 150000.0;
    data.addresses.records.push_back({{"addressId", id},
                                      {"street", rng.pick(kStreets)},
                                      {"houseNumber", 1 + static_cast<int>(rng.below(300))},
                                      {"postcode", pc},
                                      {"city", c.name},
                                      {"latitude", std::round(lat * 1e6) / 1e6},
                                      {"longitude", std::round(lon * 1e6) / 1e6}});
  }
  data.persons.id_field = "bsn";
  // BSNs: consecutive numbers from a seeded start, keeping those that pass the 11-test.
  std::uint64_t candidate = 100000000 + rng.below(500000000);
  while (data.persons.records.size() < options.persons) {
    std::string bsn = std::to_string(candidate++);
    if (!passes_eleven_test(bsn)) continue;
    const auto& addr = data.addresses.records[rng.below(n_addresses)];
    data.persons.records.push_back(
        {{"bsn", bsn},
         {"givenName", rng.pick(kGivenNames)},
         {"familyName", rng.pick(kFamilyNames)},
         {"birthDate", date_string(kDay1930 + static_cast<int>(rng.below(80 * 365)))},
         {"addressId", addr["addressId"]},
         {"municipality", addr["city"]}});
  }
  data.businesses.id_field = "kvkNumber";
  std::size_t n_businesses = std::max<std::size_t>(100, options.persons / 10);
  for (std::size_t i = 0; i < n_businesses; ++i) {
    const auto& addr = data.addresses.records[rng.below(n_addresses)];
    data.businesses.records.push_back(
        {{"kvkNumber", std::to_string(10000000 + i * 7)},
         {"name", rng.pick(kBizWords) + " " + rng.pick(kBizKinds) + " B.V."},
         {"sbiCode", rng.pick(kSbi)},
         {"addressId", addr["addressId"]},
         {"foundedDate", date_string(kDay1930 + 20000 + static_cast<int>(rng.below(14000)))}});
  }
  data.measurements.id_field = "measurementId";
  for (int plant = 1; plant <= 20; ++plant) {
    char pid[48];
    std::snprintf(pid, sizeof pid, "RWZI-%03d", plant);
    std::string pname =
        std::string("RWZI ") + kCities[plant % kCities.size()].name + " " + std::to_string(plant);
    for (int day = 0; day < 365; ++day) {
      std::string date = date_string(kDay2025 + day);
      for (const auto& virus : kViruses) {
        std::string mid = std::string(pid) + "-" + date + "-" + virus;
        for (auto& ch : mid) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
        // A seasonal wave plus noise, in particles per ml.
        double season = 1.0 + std::cos((day - 30 * (plant % 3)) / 365.0 * 2 * 3.14159265);
        double value = std::round((season * 400 + static_cast<double>(rng.below(200))) * 10) / 10;
        data.measurements.records.push_back({{"measurementId", mid},
                                             {"plantId", pid},
                                             {"plantName", pname},
                                             {"date", date},
                                             {"virus", virus},
                                             {"concentration", value}});
      }
    }
  }
  for (auto* t : {&data.persons, &data.businesses, &data.addresses, &data.measurements}) t->index();
  return data;
}

std::string debt_cases_sql(const DemoData& data, std::size_t cases, std::uint64_t seed) {
  Rng rng(seed ^ 0x5eedULL);
  static const std::vector<std::string> statuses = {"open", "in-progress", "closed"};
  std::string sql;
  for (std::size_t i = 0; i < cases; ++i) {
    const auto& p = data.persons.records[rng.below(data.persons.records.size())];
    char line[512];
    std::snprintf(
        line, sizeof line,
        "INSERT INTO debt.cases VALUES ('DA-%06zu', '%s', '%s', '%s', '%s', %llu.%02llu);\n", i + 1,
        p["bsn"].get<std::string>().c_str(), p["municipality"].get<std::string>().c_str(),
        date_string(kDay2025 - 1500 + static_cast<int>(rng.below(1800))).c_str(),
        statuses[rng.below(3)].c_str(), static_cast<unsigned long long>(500 + rng.below(60000)),
        static_cast<unsigned long long>(rng.below(100)));
    sql += line;
  }
  return sql;
}

}  // namespace bronpoort::demo
