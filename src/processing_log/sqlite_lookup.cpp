#include "sqlite_lookup.hpp"

#include "log_schema.hpp"

namespace bronpoort::processing_log::sqlite {
namespace {

// The records of each chain after its lookup position.
constexpr const char* kAfterPosition =
    "log_lookup_upto u CROSS JOIN processing_log p ON p.chain_id = u.chain_id AND p.seq > u.seq";

// The lookup rows of every record `from` names, sorted so that the b-tree takes them in order.
std::string lookup_rows(const std::string& from) {
  return "INSERT INTO log_lookup (kind, value, chain_id, seq) "
         "SELECT kind, value, chain_id, seq FROM ("
         "SELECT 'trace' AS kind, p.trace_id AS value, p.chain_id AS chain_id, p.seq AS seq FROM " +
         from +
         " WHERE p.trace_id <> '' UNION ALL "
         "SELECT 'subject', p.data_subject_id, p.chain_id, p.seq FROM " +
         from + " WHERE p.data_subject_id <> '') ORDER BY kind, value, chain_id, seq";
}

}  // namespace

std::string lookup_migration() {
  return "CREATE TABLE log_lookup (kind TEXT NOT NULL, value TEXT NOT NULL, "
         "chain_id TEXT NOT NULL, seq INTEGER NOT NULL, "
         "PRIMARY KEY (kind, value, chain_id, seq)) WITHOUT ROWID;\n"
         "CREATE TABLE log_lookup_upto (chain_id TEXT PRIMARY KEY, seq INTEGER NOT NULL);\n" +
         lookup_rows("processing_log p") +
         ";\n"
         "INSERT INTO log_lookup_upto (chain_id, seq) "
         "SELECT chain_id, MAX(seq) FROM processing_log GROUP BY chain_id;\n"
         "DROP INDEX processing_log_trace;\n"
         "DROP INDEX processing_log_subject;\n" +
         schema::kSqlite.append_only("log_lookup");
}

std::string lookup_source(const LogFilter& filter, std::vector<sql::Value>& params,
                          const std::function<std::string(std::size_t)>& placeholder) {
  const bool by_trace = !filter.trace_id.empty();
  if (!by_trace && filter.data_subject_id.empty()) return "processing_log";
  params.emplace_back(by_trace ? "trace" : "subject");
  std::string kind = placeholder(params.size());
  params.emplace_back(by_trace ? filter.trace_id : filter.data_subject_id);
  std::string value = placeholder(params.size());
  // The outer WHERE still tests the trace and subject columns: the lookup only narrows the rows.
  return "(SELECT p.* FROM log_lookup l CROSS JOIN processing_log p "
         "ON p.chain_id = l.chain_id AND p.seq = l.seq WHERE l.kind = " +
         kind + " AND l.value = " + value + " UNION ALL SELECT p.* FROM " + kAfterPosition +
         ") AS records";
}

LookupWriter::LookupWriter(Db& writer, std::size_t batch)
    : writer_(writer), batch_(batch == 0 ? 1 : batch) {
  count_waiting();
}

void LookupWriter::count_waiting() {
  Statement waiting(writer_, std::string("SELECT COUNT(*) FROM ") + kAfterPosition);
  waiting_ = waiting.step() ? static_cast<std::size_t>(waiting.integer(0)) : 0;
}

void LookupWriter::rolled_back() {
  known_chains_.clear();
  try {
    count_waiting();
  } catch (const StoreError&) {
    // The count only decides when the next batch is added; the next apply reports the database.
  }
}

LookupWriter::~LookupWriter() = default;

void LookupWriter::after_insert(const std::vector<journal::Frame>& frames) {
  for (const auto& f : frames) {
    waiting_ += f.records.size();
    for (const auto& r : f.records) {
      std::string_view chain = r.front().text;
      if (known_chains_.find(chain) != known_chains_.end()) continue;
      // Position 0: a chain's records are all after it until its first batch is added.
      Statement& new_chain =
          kept(writer_, new_chain_,
               "INSERT OR IGNORE INTO log_lookup_upto (chain_id, seq) VALUES (?1, 0)");
      new_chain.reset();
      new_chain.bind_text(1, chain, false);
      run(new_chain);
      known_chains_.emplace(chain);
    }
  }
  if (waiting_ >= batch_) merge();
}

void LookupWriter::merge() {
  run(kept(writer_, add_, lookup_rows(kAfterPosition)));
  run(kept(writer_, advance_,
           "UPDATE log_lookup_upto SET seq = (SELECT MAX(seq) FROM processing_log p "
           "WHERE p.chain_id = log_lookup_upto.chain_id)"));
  waiting_ = 0;
}

}  // namespace bronpoort::processing_log::sqlite
