#pragma once
// What verify-log checks beyond the hash chain: the Merkle tree over each chain against the
// signed tree heads the log stored, and against the checkpoints independent witnesses cosigned.
// A witness's checkpoint is outside the reach of whoever controls the log's database, so a log
// that is shorter than what a witness saw (rolled back, or its tail cut together with its
// checkpoints) or that differs from it (a fork, a rewritten history) is caught.

#include <bronpoort/processing_log/merkle.hpp>
#include <bronpoort/processing_log/signed_note.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace bronpoort::processing_log {

struct WitnessedCheckpoint {
  std::string witness;  // the witness's name
  std::uint64_t size = 0;
  merkle::Hash root{};
  std::uint64_t cosigned_at = 0;  // unix seconds, from the cosignature
};

struct TreeVerification {
  // Checks the log's signature on its stored tree heads; null: heads are reported unchecked.
  const NoteVerifier* log_key = nullptr;
  // Checkpoints witnesses cosigned, by chain id (already checked: log signature and cosignature).
  std::map<std::string, std::vector<WitnessedCheckpoint>> witnessed;
  // Witnesses that could not be asked, reported as a failure: an unreachable witness must not
  // silently turn rollback detection off.
  std::vector<std::string> unreachable;
};

}  // namespace bronpoort::processing_log
