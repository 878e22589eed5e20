#include "postgres_migrations.hpp"

#include "log_schema.hpp"

namespace bronpoort::processing_log::postgres {
namespace {

using schema::kPostgres;

const char* const kRefuseChange =
    R"SQL(CREATE FUNCTION bronpoort_refuse_log_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
    USING ERRCODE = 'insufficient_privilege';
END $$;
)SQL";

const char* const kWriterGrants = R"SQL(DO $$ BEGIN
  CREATE ROLE bronpoort_log_writer NOLOGIN;
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
END $$;
REVOKE ALL ON processing_log, log_checkpoints FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO bronpoort_log_writer;
GRANT SELECT, INSERT ON processing_log, log_checkpoints TO bronpoort_log_writer;
GRANT SELECT ON schema_migrations TO bronpoort_log_writer;
)SQL";

const char* const kTreeGrants = R"SQL(REVOKE ALL ON log_tree_nodes, log_tree_heads FROM PUBLIC;
GRANT SELECT, INSERT ON log_tree_nodes, log_tree_heads TO bronpoort_log_writer;
)SQL";

}  // namespace

const std::vector<std::string>& migrations() {
  static const std::vector<std::string> list = {
      // 1: the log, its checkpoints, append-only triggers and the INSERT+SELECT-only role.
      schema::log_tables(kPostgres) + kRefuseChange + kPostgres.append_only("processing_log") +
          kPostgres.append_only("log_checkpoints") + kWriterGrants,
      // 2: the Merkle tree over each chain: complete subtrees and signed tree heads
      // (docs/verifiable-log.md), append-only like the log.
      schema::tree_tables(kPostgres) + kPostgres.append_only("log_tree_nodes") +
          kPostgres.append_only("log_tree_heads") + kTreeGrants,
      // 3: cheaper inserts (issue 13, docs/performance.md). The newest-first index ascending:
      // PostgreSQL appends a new largest key at the rightmost leaf without descending from the
      // root, and reads the index backwards for newest first. The subject index only over
      // records about a person: the others (every audit record) all had the empty key.
      "DROP INDEX processing_log_newest;\n"
      "CREATE INDEX processing_log_newest ON processing_log (logged_at_us, chain_id, seq);\n"
      "DROP INDEX processing_log_subject;\n"
      "CREATE INDEX processing_log_subject ON processing_log (data_subject_id)\n"
      "  WHERE data_subject_id <> '';\n",
  };
  return list;
}

}  // namespace bronpoort::processing_log::postgres
