#pragma once
// The log store's SQLite connection and statements are the ground floor's (WAL, synchronous=FULL,
// errors become StoreError); this adds binding a query's WHERE values.

#include "sql_shape.hpp"

#include <bronpoort/common/sqlite_connection.hpp>

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

}  // namespace bronpoort::processing_log::sqlite
