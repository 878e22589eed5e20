#pragma once
// The SQLite store's lookups by trace id and by data subject (docs/processing-log.md, "Lookups by
// trace and subject"). Both keys are random, so an ordinary index on either puts every new record
// on a page of its own: SQLite's WAL then writes a whole page for each record in each indexer
// transaction (~4 KB per record per index, and more as the log grows; docs/performance.md).
// Instead, the table log_lookup holds (kind, value, chain_id, seq) for every record up to a
// position per chain (log_lookup_upto), and the indexer adds the records after it in one sorted
// batch once there are `batch` of them, in the same transaction as the records that complete the
// batch. A query by trace or subject reads the lookup and the few records after the position.
// Private to src/processing_log.

#include "sql_shape.hpp"
#include "sqlite_db.hpp"
#include "sqlite_journal.hpp"

#include <bronpoort/processing_log/log_store.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace bronpoort::processing_log::sqlite {

// Migration 4: the lookup tables, filled from the records already stored; then the two random-key
// indexes of migration 1 go.
std::string lookup_migration();

// The FROM clause for a query whose filter names a trace or a subject: the records the lookup
// names and those after its position, in place of the whole table. Appends its values to
// `params`. Without either filter the query reads the table itself: "processing_log".
std::string lookup_source(const LogFilter& filter, std::vector<sql::Value>& params,
                          const std::function<std::string(std::size_t)>& placeholder);

// The indexer's side, on the writer connection inside its transactions.
class LookupWriter {
 public:
  LookupWriter(Db& writer, std::size_t batch);
  ~LookupWriter();

  // Called in the indexer's transaction after the frames' records are inserted: gives each new
  // chain its position and, once `batch` records wait, adds them to the lookup.
  void after_insert(const std::vector<journal::Frame>& frames);
  // The transaction rolled back: forget what it did (new chains, the count of waiting records).
  void rolled_back();

 private:
  void count_waiting();
  void merge();

  Db& writer_;
  std::size_t batch_;
  std::size_t waiting_ = 0;
  std::set<std::string, std::less<>> known_chains_;
  std::unique_ptr<Statement> new_chain_;
  std::unique_ptr<Statement> add_;
  std::unique_ptr<Statement> advance_;
};

}  // namespace bronpoort::processing_log::sqlite
