#pragma once
// Reading rows in the PostgreSQL store, inside the caller's transaction.

#include <pqxx/pqxx>

#include <string>
#include <vector>

namespace bronpoort::processing_log::postgres {

// Every row `sql` answers for a chain (its $1; '' means every chain), each made by `row`.
template <class Read>
auto rows_for_chain(pqxx::work& txn, const std::string& sql, const std::string& chain_id,
                    Read row) {
  auto result = txn.exec_params(sql, chain_id);
  std::vector<decltype(row(result[0]))> out;
  for (const auto& r : result) out.push_back(row(r));
  return out;
}

}  // namespace bronpoort::processing_log::postgres
