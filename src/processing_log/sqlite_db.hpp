#pragma once
// The log store's SQLite connection and statements are the ground floor's (WAL, synchronous=FULL,
// errors become StoreError); this adds binding a query's WHERE values.

#include "sql_shape.hpp"

#include <bronpoort/common/sqlite_connection.hpp>

#include <memory>
#include <string>
#include <vector>

namespace bronpoort::processing_log::sqlite {

using Db = common::SqliteConnection;
using Statement = common::SqliteStatement;

// Clears the previous execution and binds `values` to the parameters in order.
inline void bind(Statement& st, const std::vector<sql::Value>& values) {
  st.reset();
  for (const auto& v : values) {
    if (v.is_int) {
      st.arg(v.integer);
    } else {
      st.arg(v.text);
    }
  }
}

// Steps a statement without result rows and resets it at once, so that a kept statement holds no
// read or write state between uses, also when it failed.
inline void run(Statement& st) {
  try {
    st.step();
  } catch (...) {
    st.reset();
    throw;
  }
  st.reset();
}

// A statement prepared on `db` at its first use and kept in `slot` for the next ones: the indexer
// runs the same few statements in every transaction, and preparing one can cost more than
// running it (docs/performance.md). Run it with run(), so that it holds no state between uses.
inline Statement& kept(Db& db, std::unique_ptr<Statement>& slot, const std::string& sql) {
  if (!slot) slot = std::make_unique<Statement>(db, sql);
  return *slot;
}

// Every row `sql` answers for a chain (its ?1; '' means every chain), each made by `row`.
template <class Read>
auto rows_for_chain(Db& db, const std::string& sql, const std::string& chain_id, Read row) {
  Statement st(db, sql);
  st.arg(chain_id);
  std::vector<decltype(row(st))> out;
  while (st.step()) out.push_back(row(st));
  return out;
}

}  // namespace bronpoort::processing_log::sqlite
