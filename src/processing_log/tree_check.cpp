#include "tree_check.hpp"

namespace bronpoort::processing_log {
namespace {

std::string n(std::uint64_t v) {
  return std::to_string(v);
}

}  // namespace

ChainTreeCheck::ChainTreeCheck(std::string chain_id, std::vector<TreeHead> heads,
                               const TreeVerification& how)
    : chain_id_(std::move(chain_id)), heads_(std::move(heads)), how_(how) {
  for (const auto& h : heads_) wanted_.insert(static_cast<std::uint64_t>(h.tree_size));
  if (auto it = how_.witnessed.find(chain_id_); it != how_.witnessed.end()) {
    for (const auto& w : it->second) wanted_.insert(w.size);
  }
  if (wanted_.count(0)) roots_[0] = frontier_.root();
}

void ChainTreeCheck::add(const std::string& canonical) {
  frontier_.append(merkle::leaf_hash(canonical));
  if (wanted_.count(frontier_.size())) roots_[frontier_.size()] = frontier_.root();
}

void ChainTreeCheck::finish(ChainReport& report) {
  ChainReport found;
  auto problem = [&](std::uint64_t seq, const char* code, std::string detail) {
    if (!found.ok && *found.first_broken_seq <= static_cast<std::int64_t>(seq)) return;
    found.ok = false;
    found.first_broken_seq = static_cast<std::int64_t>(seq);
    found.problem = code;
    found.detail = std::move(detail);
  };
  const std::uint64_t records = frontier_.size();
  std::uint64_t newest_head = 0;
  for (const auto& h : heads_) {
    auto size = static_cast<std::uint64_t>(h.tree_size);
    auto note = SignedNote::parse(h.note);
    auto cp = note ? TreeCheckpoint::parse(note->text) : std::nullopt;
    if (!cp || cp->size != size || merkle::to_hex(cp->root) != h.root_hash) {
      problem(size, "bad-tree-head", "the stored tree head of size " + n(size) + " is malformed");
      continue;
    }
    if (!how_.log_key || !how_.log_key->verify(*note)) {
      problem(size, "bad-tree-head-signature",
              "the tree head of size " + n(size) +
                  (how_.log_key ? " has an invalid signature" : " cannot be checked: no key"));
      continue;
    }
    newest_head = std::max(newest_head, size);
    if (size > records) {
      problem(records + 1, "truncated",
              "records after " + n(records) + " are missing; a signed tree head covers " + n(size));
    } else if (roots_.at(size) != cp->root) {
      problem(size, "tree-head-mismatch",
              "the records up to " + n(size) + " do not hash to their signed tree head");
    }
  }
  if (auto it = how_.witnessed.find(chain_id_); it != how_.witnessed.end()) {
    for (const auto& w : it->second) {
      if (w.size > records) {
        problem(records + 1, newest_head >= w.size ? "truncated" : "rolled-back",
                "the log ends at record " + n(records) + " but witness " + w.witness +
                    " cosigned a checkpoint of " + n(w.size) +
                    " records: records were removed from its end (rolled back to an older copy, "
                    "or cut off together with its checkpoints)");
      } else if (roots_.at(w.size) != w.root) {
        problem(w.size, "fork",
                "the log's first " + n(w.size) + " records differ from the checkpoint witness " +
                    w.witness +
                    " cosigned: the log shows another history than it showed the "
                    "witness");
      }
    }
  }
  for (const auto& w : how_.unreachable) {
    problem(records + 1, "witness-unreachable",
            "witness " + w + " could not be asked; rollback cannot be ruled out");
  }
  if (found.ok) return;
  if (report.ok || *found.first_broken_seq < *report.first_broken_seq) {
    report.ok = false;
    report.first_broken_seq = found.first_broken_seq;
    report.problem = found.problem;
    report.detail = found.detail;
  }
}

}  // namespace bronpoort::processing_log
