#pragma once
// The DDL of the log's tables, written once for both stores. The dialects differ only in the type
// of 64-bit integers and in how a table is made append-only, so each store's migrations are these
// texts with its own parts filled in. Frozen like the migrations they make: a change to the log's
// shape is a new migration, never an edit here.

#include <string>

namespace bronpoort::processing_log::schema {

// SQLite: "INTEGER"; PostgreSQL: "BIGINT".
struct Dialect {
  const char* big_integer;
  // Triggers that refuse UPDATE and DELETE (and, where there is one, TRUNCATE) on `table`.
  std::string (*append_only)(const std::string& table);
};

std::string sqlite_append_only(const std::string& table);
std::string postgres_append_only(const std::string& table);

inline constexpr Dialect kSqlite{"INTEGER", &sqlite_append_only};
inline constexpr Dialect kPostgres{"BIGINT", &postgres_append_only};

// Migration 1: processing_log with its indexes, and log_checkpoints; without the triggers.
std::string log_tables(const Dialect& dialect);
// Migration 2: the Merkle tree's log_tree_nodes and log_tree_heads; without the triggers.
std::string tree_tables(const Dialect& dialect);

}  // namespace bronpoort::processing_log::schema
