#pragma once
// The one mapping between access records and table rows, shared by the SQLite and PostgreSQL
// stores so both keep the same columns. Every column is TEXT; an empty string means "absent".

#include <bronpoort/access/grant.hpp>

#include <string>
#include <vector>

namespace bronpoort::access::rows {

using Row = std::vector<std::string>;

extern const char* const kRequestTable;
extern const char* const kGrantTable;
const std::vector<std::string>& request_columns();
const std::vector<std::string>& grant_columns();

Row from_request(const AccessRequest& r);
AccessRequest to_request(const Row& row);
Row from_grant(const Grant& g);
Grant to_grant(const Row& row);

// "CREATE TABLE IF NOT EXISTS t (c1 TEXT NOT NULL, ..., PRIMARY KEY (id))"
std::string create_table(const char* table, const std::vector<std::string>& columns);
// "INSERT INTO t (c1, ...) VALUES (<p1>, ...)" with placeholders made by `placeholder(i)`, 1-based.
std::string insert_into(const char* table, const std::vector<std::string>& columns,
                        std::string (*placeholder)(int));
// UPDATE of every request column except id, conditional on state 'pending'; the id is the last
// parameter.
std::string decide_update(std::string (*placeholder)(int));

}  // namespace bronpoort::access::rows
