#pragma once
// Synthetic registries for the demo source holders, generated deterministically from a seed: the
// same seed and size always give the same records, so tests and the PostgreSQL loader agree.

#include <nlohmann/json.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace bronpoort::demo {

struct DemoTable {
  DemoTable();

  std::string id_field;
  std::vector<nlohmann::json> records;
  std::unordered_map<std::string, std::size_t> by_id;

  void index();
  const nlohmann::json* find(const std::string& id) const;
  // The positions of the records whose `field` equals `value` (numbers numerically, strings
  // byte-wise, as the query's comparisons), in record order. Each field's index is built on its
  // first use and kept: a source holder indexes what it is queried on, so that demo and
  // benchmarks measure the gateway rather than a full scan here.
  const std::vector<std::size_t>& equal(const std::string& field,
                                        const nlohmann::json& value) const;

 private:
  struct FieldIndexes;
  std::shared_ptr<FieldIndexes> indexes_;
};

struct DemoOptions {
  std::uint64_t seed = 20260101;
  std::size_t persons = 100000;
};

struct DemoData {
  DemoTable persons;
  DemoTable businesses;
  DemoTable addresses;
  DemoTable measurements;
};

DemoData generate(const DemoOptions& options);

// Whether `bsn` passes the 11-test (elfproef) for BSNs.
bool passes_eleven_test(const std::string& bsn);

// Debt-assistance cases for the PostgreSQL demo registry, keyed on BSNs of the demo persons:
// SQL INSERT statements for table debt.cases.
std::string debt_cases_sql(const DemoData& data, std::size_t cases, std::uint64_t seed);

}  // namespace bronpoort::demo
