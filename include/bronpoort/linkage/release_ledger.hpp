#pragma once
// Query auditing for aggregate deliveries: what each recipient has been given, so that no
// release, set against the earlier ones, singles out fewer than the minimum cell size.
//
// Each delivered cell is remembered as the rows behind it — a keyed fingerprint of each linked
// row (key and values) and of its data subject; never a key. Per recipient, purpose, linked query
// and combination of group values, the rows of every cell released so far split into "atoms":
// the rows that lie in exactly the same released cells. Any sum, average or count a recipient
// can compute from those cells by adding and subtracting them is a weighted sum over whole atoms.
// People have their own atoms (those appearing in exactly the same cells: counts of people), and
// so do sums and averages (the rows counted in exactly the same delivered sums). A release is
// allowed only when afterwards every atom still holds rows of at least
// `min_cell_size` distinct data subjects; then no combination of releases — two runs with filters
// that differ by one person, three that leave one person out between them, or the same run
// before and after one person's case changed — isolates fewer people than a single cell may hold.
//
// With a LedgerStore the ledger is durable: every check reads what the scope has been given from
// the store and writes the new cells in the same transaction, under a lock on the scope, so a
// restart forgets nothing and several instances on one PostgreSQL see each other's releases.
// Without one (tests, tools) it lives for the process.

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bronpoort::linkage {

struct AggregateSpec;
struct LinkedRow;

// One delivered cell: its group values (JSON text) and the rows behind it.
struct ReleasedCell {
  std::string group;
  struct Row {
    std::uint64_t row = 0;      // fingerprint of the linked row: key and column values
    std::uint64_t subject = 0;  // fingerprint of its data subject
    std::uint16_t summed = 0;   // bit m: the row counts in measure m's delivered sum or average
    bool operator<(const Row& o) const { return row < o.row; }
    bool operator==(const Row& o) const = default;
  };
  std::vector<Row> rows;  // sorted by row fingerprint
};

// The cells `aggregate` delivers for these rows (those with at least the minimum of distinct
// subjects), fingerprinted under `secret`, each row marked with the sums and averages it counts
// in (it has a value, and the cell's sum was delivered). Identical rows of one subject are told
// apart by their position among themselves, so they stay distinct rows from one run to the next.
std::vector<ReleasedCell> released_cells(const AggregateSpec& spec,
                                         const std::vector<LinkedRow>& rows,
                                         std::string_view secret);

struct LedgerVerdict {
  bool allowed = true;
  std::string group;           // when refused: the cell that would isolate too few people
  std::size_t smallest = 0;    // the number of distinct subjects in its smallest atom
  bool limit_reached = false;  // refused because the cell has been released too often
  std::string unavailable;     // refused because the ledger's store failed (why, for the log)
};

// What one scope has been given: per group (cell), each version of the cell's rows.
using ReleasedVersions = std::map<std::string, std::vector<std::vector<ReleasedCell::Row>>>;
// New versions to record: group and rows.
using NewReleases = std::vector<std::pair<std::string, std::vector<ReleasedCell::Row>>>;

// Durable storage of a ledger, in the gateway's store (SQLite or PostgreSQL). Blocking; throws
// std::runtime_error when the store fails.
class LedgerStore {
 public:
  virtual ~LedgerStore() = default;
  // Calls `decide` with what `scope` has been given so far and records what it returns, in one
  // transaction that excludes every other check of the same scope (in this process or in another
  // one using the same store) until it commits.
  virtual void with_scope(const std::string& scope,
                          const std::function<NewReleases(const ReleasedVersions&)>& decide) = 0;
};

std::unique_ptr<LedgerStore> open_sqlite_ledger_store(const std::filesystem::path& path);
std::unique_ptr<LedgerStore> open_postgres_ledger_store(const std::string& dsn);

// The text form a version of a cell is stored in, and back (exposed for tests).
std::string encode_rows(const std::vector<ReleasedCell::Row>& rows);
std::optional<std::vector<ReleasedCell::Row>> decode_rows(std::string_view text);

class ReleaseLedger {
 public:
  // In memory for the process without a store; durable with one.
  explicit ReleaseLedger(std::shared_ptr<LedgerStore> store = nullptr) : store_(std::move(store)) {}

  // How many different versions of one cell a recipient may receive: each version splits the
  // atoms further, and their count is what the check's cost grows with.
  static constexpr std::size_t kMaxVersionsPerCell = 63;

  // Checks `cells` against everything released under `scope` (recipient, purpose and linked
  // query) and, when every atom keeps at least `min_cell_size` subjects, records them — in one
  // step, so two concurrent runs of one recipient cannot both pass against the older state.
  LedgerVerdict check_and_record(const std::string& scope, const std::vector<ReleasedCell>& cells,
                                 std::size_t min_cell_size);

  // The scope of a release: recipient, purpose and linked query, length-prefixed.
  static std::string scope(std::string_view recipient, std::string_view purpose,
                           std::string_view linked_query);

 private:
  using Versions = std::vector<std::vector<ReleasedCell::Row>>;
  // The verdict on `cells` against `groups`, and the cells to record when allowed.
  static LedgerVerdict judge(const ReleasedVersions& groups, const std::vector<ReleasedCell>& cells,
                             std::size_t min_cell_size, NewReleases& fresh);

  std::shared_ptr<LedgerStore> store_;
  std::mutex mu_;
  std::map<std::string, ReleasedVersions> released_;  // without a store: scope -> versions
};

}  // namespace bronpoort::linkage
