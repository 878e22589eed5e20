#include "postgres_migrations.hpp"

namespace bronpoort::processing_log::postgres {

const std::vector<const char*>& migrations() {
  static const std::vector<const char*> list = {
      // 1: the log, its checkpoints, append-only triggers and the INSERT+SELECT-only role.
      R"SQL(
CREATE TABLE processing_log (
  chain_id TEXT NOT NULL, seq BIGINT NOT NULL, kind TEXT NOT NULL,
  prev_hash TEXT NOT NULL, hash TEXT NOT NULL, logged_at_us BIGINT NOT NULL,
  trace_id TEXT NOT NULL, span_id TEXT NOT NULL, parent_span_id TEXT NOT NULL, name TEXT NOT NULL,
  start_us BIGINT NOT NULL, end_us BIGINT NOT NULL, status TEXT NOT NULL,
  processing_activity_id TEXT NOT NULL, data_subject_id TEXT NOT NULL,
  data_subject_id_type TEXT NOT NULL, pseudonym_key_id TEXT NOT NULL, event TEXT NOT NULL,
  organisation TEXT NOT NULL, role TEXT NOT NULL, user_id TEXT NOT NULL, purpose TEXT NOT NULL,
  legal_basis TEXT NOT NULL, dataset TEXT NOT NULL, resource TEXT NOT NULL,
  owner_organisation TEXT NOT NULL, fields_released TEXT NOT NULL, fields_withheld TEXT NOT NULL,
  decision TEXT NOT NULL, reason_code TEXT NOT NULL, http_status INTEGER NOT NULL,
  record_count BIGINT NOT NULL, source_latency_us BIGINT NOT NULL, details TEXT NOT NULL,
  PRIMARY KEY (chain_id, seq));
CREATE INDEX processing_log_newest ON processing_log (logged_at_us DESC, chain_id DESC, seq DESC);
CREATE INDEX processing_log_trace ON processing_log (trace_id);
CREATE INDEX processing_log_subject ON processing_log (data_subject_id);
CREATE INDEX processing_log_organisation ON processing_log (organisation, logged_at_us);
CREATE INDEX processing_log_owner ON processing_log (owner_organisation, logged_at_us);
CREATE TABLE log_checkpoints (
  chain_id TEXT NOT NULL, seq BIGINT NOT NULL, head_hash TEXT NOT NULL,
  signed_at_us BIGINT NOT NULL, key_id TEXT NOT NULL, signature TEXT NOT NULL,
  PRIMARY KEY (chain_id, seq));
CREATE FUNCTION bronpoort_refuse_log_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
    USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER processing_log_append_only BEFORE UPDATE OR DELETE ON processing_log
  FOR EACH ROW EXECUTE FUNCTION bronpoort_refuse_log_change();
CREATE TRIGGER processing_log_no_truncate BEFORE TRUNCATE ON processing_log
  FOR EACH STATEMENT EXECUTE FUNCTION bronpoort_refuse_log_change();
CREATE TRIGGER log_checkpoints_append_only BEFORE UPDATE OR DELETE ON log_checkpoints
  FOR EACH ROW EXECUTE FUNCTION bronpoort_refuse_log_change();
CREATE TRIGGER log_checkpoints_no_truncate BEFORE TRUNCATE ON log_checkpoints
  FOR EACH STATEMENT EXECUTE FUNCTION bronpoort_refuse_log_change();
DO $$ BEGIN
  CREATE ROLE bronpoort_log_writer NOLOGIN;
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
END $$;
REVOKE ALL ON processing_log, log_checkpoints FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO bronpoort_log_writer;
GRANT SELECT, INSERT ON processing_log, log_checkpoints TO bronpoort_log_writer;
GRANT SELECT ON schema_migrations TO bronpoort_log_writer;
)SQL",
      // 2: the Merkle tree over each chain: complete subtrees and signed tree heads
      // (docs/verifiable-log.md), append-only like the log.
      R"SQL(
CREATE TABLE log_tree_nodes (
  chain_id TEXT NOT NULL, level INTEGER NOT NULL, idx BIGINT NOT NULL, hash TEXT NOT NULL,
  PRIMARY KEY (chain_id, level, idx));
CREATE TABLE log_tree_heads (
  chain_id TEXT NOT NULL, tree_size BIGINT NOT NULL, root_hash TEXT NOT NULL,
  signed_at_us BIGINT NOT NULL, note TEXT NOT NULL, PRIMARY KEY (chain_id, tree_size));
CREATE TRIGGER log_tree_nodes_append_only BEFORE UPDATE OR DELETE ON log_tree_nodes
  FOR EACH ROW EXECUTE FUNCTION bronpoort_refuse_log_change();
CREATE TRIGGER log_tree_nodes_no_truncate BEFORE TRUNCATE ON log_tree_nodes
  FOR EACH STATEMENT EXECUTE FUNCTION bronpoort_refuse_log_change();
CREATE TRIGGER log_tree_heads_append_only BEFORE UPDATE OR DELETE ON log_tree_heads
  FOR EACH ROW EXECUTE FUNCTION bronpoort_refuse_log_change();
CREATE TRIGGER log_tree_heads_no_truncate BEFORE TRUNCATE ON log_tree_heads
  FOR EACH STATEMENT EXECUTE FUNCTION bronpoort_refuse_log_change();
REVOKE ALL ON log_tree_nodes, log_tree_heads FROM PUBLIC;
GRANT SELECT, INSERT ON log_tree_nodes, log_tree_heads TO bronpoort_log_writer;
)SQL",
  };
  return list;
}

}  // namespace bronpoort::processing_log::postgres
