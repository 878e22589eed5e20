// The proof API over each chain's Merkle tree (docs/verifiable-log.md):
//   GET /v1/processing-log/chains/{chainId}/checkpoint          the latest signed tree head
//   GET /v1/processing-log/chains/{chainId}/inclusion-proof     ?seq=&treeSize=
//   GET /v1/processing-log/chains/{chainId}/consistency-proof   ?firstSize=&secondSize=
// A record's proof is given to whoever may read the record: auditors all, a citizen only their
// own processing records, a source holder records about its datasets, an organisation its own
// requests. Checkpoints and consistency proofs reveal no record and are for any caller.

#include "log_endpoints.hpp"
#include "log_query.hpp"

#include <bronpoort/common/endpoint_kit.hpp>
#include <bronpoort/common/roles.hpp>
#include <bronpoort/common/time.hpp>
#include <bronpoort/processing_log/log_proofs.hpp>
#include <bronpoort/processing_log/signed_note.hpp>

#include <charconv>
#include <map>

namespace bronpoort::processing_log {
namespace {

bool may_see(const Identity& identity, const LogRecord& r, const Pseudonymiser& pseudo) {
  if (identity.has_role(common::roles::kAuditor)) return true;
  if (identity.has_role(common::roles::kDataSubject)) {
    return identity.bsn && !identity.bsn->empty() && r.kind == RecordKind::Processing &&
           r.data_subject_id_type == "BSN" &&
           r.data_subject_id == pseudo.pseudonym("BSN", *identity.bsn);
  }
  std::string own = !identity.organisation.empty() ? identity.organisation
                                                   : identity.certificate_oin.value_or("");
  if (own.empty()) return false;
  if (identity.has_role(common::roles::kSourceAdmin)) return r.owner_organisation == own;
  return r.organisation == own;
}

// Reads the allowed integer query parameters; refuses unknown ones and bad numbers.
bool read_numbers(RequestContext& ctx, const std::vector<std::string>& names,
                  std::map<std::string, std::int64_t>& out, Resume& done) {
  for (const auto& [key, value] : ctx.request.query) {
    bool known = std::find(names.begin(), names.end(), key) != names.end();
    std::int64_t n = 0;
    auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
    if (!known || ec != std::errc() || p != value.data() + value.size() || n < 0 ||
        out.count(key)) {
      auto problem = make_problem(
          400, "invalid-parameter",
          known ? "Give each parameter once, as a whole number." : "Unknown parameter.");
      problem.invalid_params.push_back(
          {key, known ? "must be a non-negative integer, once" : "unknown parameter",
           known ? "invalid-value" : "unknown-parameter"});
      ctx.fail(problem);
      done(Flow::Stop);
      return false;
    }
    out[key] = n;
  }
  return true;
}

void refuse(RequestContext& ctx, const ProofRefusal& r) {
  ctx.fail(make_problem(r.status, r.code, r.detail));
}

std::optional<TreeHead> latest_head(LogStore& store, const std::string& chain) {
  return store.latest_tree_head(chain);
}

nlohmann::json head_json(const TreeHead& h) {
  auto note = SignedNote::parse(h.note);
  auto cp = note ? TreeCheckpoint::parse(note->text) : std::nullopt;
  return {{"chainId", h.chain_id},
          {"origin", cp ? cp->origin : ""},
          {"treeSize", h.tree_size},
          {"rootHash", h.root_hash},
          {"signedAt", common::format_time_us(h.signed_at_us)},
          {"note", h.note}};
}

class ProofEndpoint : public Endpoint {
 public:
  ProofEndpoint(std::shared_ptr<ProcessingLog> log, BlockingExecutor& executor)
      : log_(std::move(log)), executor_(executor) {}

 protected:
  bool authenticated(RequestContext& ctx, Resume& done) const {
    if (ctx.identity.authenticated) return true;
    ctx.fail(make_problem(401, "authentication-required", "This endpoint needs a token."));
    done(Flow::Stop);
    return false;
  }
  std::shared_ptr<ProcessingLog> log_;
  BlockingExecutor& executor_;
};

class LatestCheckpointEndpoint final : public ProofEndpoint {
 public:
  using ProofEndpoint::ProofEndpoint;
  void handle(RequestContext& ctx, Resume done) const override {
    std::map<std::string, std::int64_t> none;
    if (!authenticated(ctx, done) || !read_numbers(ctx, {}, none, done)) return;
    std::string chain = ctx.route.params["chainId"];
    run_blocking(executor_, ctx, std::move(done), [this, &ctx, chain] {
      auto head = latest_head(log_->store(), chain);
      if (!head) {
        ctx.fail(make_problem(404, "checkpoint-not-found",
                              "Chain " + chain + " has no signed checkpoint yet."));
        return;
      }
      common::respond_json(ctx, 200, head_json(*head));
    });
  }
};

class InclusionProofEndpoint final : public ProofEndpoint {
 public:
  using ProofEndpoint::ProofEndpoint;
  void handle(RequestContext& ctx, Resume done) const override {
    std::map<std::string, std::int64_t> n;
    if (!authenticated(ctx, done) || !read_numbers(ctx, {"seq", "treeSize"}, n, done)) return;
    if (!n.count("seq")) {
      ctx.fail(make_problem(400, "invalid-parameter", "Give seq, the record's number."));
      done(Flow::Stop);
      return;
    }
    std::string chain = ctx.route.params["chainId"];
    run_blocking(executor_, ctx, std::move(done), [this, &ctx, chain, n] {
      auto& store = log_->store();
      auto record = store.chain_records(chain, n.at("seq"), 1);
      // A record the caller may not read is reported as absent, so its existence is not told.
      if (record.empty() || record.front().seq != n.at("seq") ||
          !may_see(ctx.identity, record.front(), log_->pseudonymiser())) {
        ctx.fail(make_problem(404, "record-not-found",
                              "No record " + std::to_string(n.at("seq")) + " of chain " + chain +
                                  " that you may see."));
        return;
      }
      std::uint64_t size = 0;
      if (n.count("treeSize")) {
        size = static_cast<std::uint64_t>(n.at("treeSize"));
      } else if (auto head = latest_head(store, chain)) {
        size = static_cast<std::uint64_t>(head->tree_size);
      }
      ProofRefusal refusal;
      auto proof = make_inclusion_proof(store, chain, n.at("seq"), size, refusal);
      if (!proof) {
        refuse(ctx, refusal.code == "invalid-parameter" && !n.count("treeSize")
                        ? ProofRefusal{409, "checkpoint-pending",
                                       "No signed checkpoint covers this record yet; try again "
                                       "later or give treeSize."}
                        : refusal);
        return;
      }
      common::respond_json(ctx, 200, proof->to_json());
    });
  }
};

class ConsistencyProofEndpoint final : public ProofEndpoint {
 public:
  using ProofEndpoint::ProofEndpoint;
  void handle(RequestContext& ctx, Resume done) const override {
    std::map<std::string, std::int64_t> n;
    if (!authenticated(ctx, done) || !read_numbers(ctx, {"firstSize", "secondSize"}, n, done)) {
      return;
    }
    if (!n.count("firstSize") || !n.count("secondSize")) {
      ctx.fail(make_problem(400, "invalid-parameter", "Give firstSize and secondSize."));
      done(Flow::Stop);
      return;
    }
    std::string chain = ctx.route.params["chainId"];
    run_blocking(executor_, ctx, std::move(done), [this, &ctx, chain, n] {
      ProofRefusal refusal;
      auto proof = make_consistency_proof(log_->store(), chain,
                                          static_cast<std::uint64_t>(n.at("firstSize")),
                                          static_cast<std::uint64_t>(n.at("secondSize")), refusal);
      if (!proof) {
        refuse(ctx, refusal);
        return;
      }
      common::respond_json(ctx, 200, proof->to_json());
    });
  }
};

}  // namespace

std::vector<EndpointRoute> make_proof_endpoints(std::shared_ptr<ProcessingLog> log,
                                                BlockingExecutor& executor) {
  using A = AuthRequirement;
  const std::string base = "/v1/processing-log/chains/{chainId}/";
  return {
      {"GET", base + "checkpoint", A::Required,
       std::make_shared<LatestCheckpointEndpoint>(log, executor)},
      {"GET", base + "inclusion-proof", A::Required,
       std::make_shared<InclusionProofEndpoint>(log, executor)},
      {"GET", base + "consistency-proof", A::Required,
       std::make_shared<ConsistencyProofEndpoint>(log, executor)},
  };
}

}  // namespace bronpoort::processing_log
