// What may leave the trusted third party once the inputs are linked: a population of at least
// the minimum, and for aggregates only what the release ledger allows.

#include "run.hpp"

#include <bronpoort/linkage/release_ledger.hpp>

#include <unordered_set>

namespace bronpoort::linkage {

std::optional<Problem> Run::release_problem(const std::vector<LinkedRow>& rows,
                                            nlohmann::json& audit) {
  std::unordered_set<std::string> people;
  for (const auto& r : rows) people.insert(r.key);
  audit["linkedSubjects"] = people.size();
  const std::string widen =
      "; widen or drop the filters (GET /v1/linked-queries/" + query_.id + " lists them).";
  if (delivery_ == Delivery::Rows) {
    const auto least = static_cast<std::size_t>(query_.rows->min_cohort);
    if (people.size() >= least) return std::nullopt;
    return make_problem(422, "linkage-cohort-too-small",
                        "A rows delivery of this linked query needs at least " +
                            std::to_string(least) + " people, and fewer match" + widen);
  }
  const auto least = static_cast<std::size_t>(query_.aggregate->min_cell_size);
  // A population under the minimum could only give suppressed cells; refusing says no more than
  // that, and keeps a filter from probing whether a few people match.
  if (people.size() < least) {
    return make_problem(422, "linkage-population-too-small",
                        "Fewer than " + std::to_string(least) +
                            " people match, the least this linked query reports on" + widen);
  }
  const auto cells = released_cells(*query_.aggregate, rows, config_.pseudonym_key);
  const auto verdict = options_->ledger->check_and_record(
      ReleaseLedger::scope(recipient_of(ctx_.identity), query_.purpose, query_.id), cells, least);
  if (verdict.allowed) return std::nullopt;
  if (!verdict.unavailable.empty()) {
    audit["ledgerError"] = verdict.unavailable;
    return make_problem(503, "linkage-ledger-unavailable",
                        "The trusted third party could not record this delivery in its release "
                        "ledger, so nothing is delivered. Try again shortly.");
  }
  // The cell and the size of what would be isolated go to the audit record, for the privacy
  // officer; the caller learns only that the release was refused and what to do instead.
  audit["refusedCell"] = nlohmann::json::parse(verdict.group, nullptr, false);
  audit["smallestDifference"] = verdict.smallest;
  if (verdict.limit_reached) {
    return make_problem(409, "linkage-release-limit",
                        "A cell of this linked query has already been delivered to your "
                        "organisation for this purpose in " +
                            std::to_string(ReleaseLedger::kMaxVersionsPerCell) +
                            " different versions, the most the trusted third party audits; ask "
                            "for a delivery you have received before, or contact its privacy "
                            "officer.");
  }
  return make_problem(
      409, "linkage-differencing",
      "Set against what your organisation has already received of this linked query for this "
      "purpose, this delivery would let a difference single out fewer than " +
          std::to_string(least) +
          " people, so nothing is delivered. Ask for populations that differ from earlier "
          "deliveries by at least " +
          std::to_string(least) +
          " people in every cell: drop or widen the filters, or repeat an earlier request.");
}

}  // namespace bronpoort::linkage
