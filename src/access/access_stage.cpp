#include <bronpoort/access/decision.hpp>
#include <bronpoort/access/stages.hpp>
#include <bronpoort/core/purpose_id.hpp>

namespace bronpoort::access {

namespace {

class AccessStage final : public SyncStage {
 public:
  AccessStage(std::shared_ptr<const PolicyHolder> policy, ClockFn clock, bool via_linkage)
      : policy_(std::move(policy)), clock_(std::move(clock)), via_linkage_(via_linkage) {}

  const char* name() const override { return "access"; }

  Flow process(RequestContext& ctx) const override {
    if (ctx.route.kind != RouteKind::Data) return Flow::Continue;
    auto& d = ctx.decision;
    d.evaluated = true;
    d.allowed = false;
    // The route stage (pipeline/route_stage.cpp) is the one owner of "this route needs a token":
    // every data route does, and a caller without one is refused there. Reaching this point
    // without an identity is a wiring error; decide nothing and fail closed.
    if (!ctx.identity.authenticated) {
      return refuse(ctx,
                    make_problem(500, "internal-error", "The request could not be processed."));
    }
    auto stated = read_stated_purpose(ctx.request.headers);
    if (auto* p = std::get_if<Problem>(&stated)) {
      // No caller text is kept: the log records no purpose for a refusal of this kind.
      ctx.purpose_id.clear();
      return refuse(ctx, std::move(*p));
    }
    ctx.purpose_id = std::move(std::get<std::string>(stated));
    auto snapshot = policy_->current();
    auto outcome =
        decide(*snapshot, DecisionInput{ctx.identity, ctx.purpose_id, ctx.route, ctx.query,
                                        clock_ ? clock_() : Clock::now(), via_linkage_});
    ctx.decision = std::move(outcome.decision);
    if (outcome.problem) {
      ctx.fail(std::move(*outcome.problem));
      return Flow::Stop;
    }
    return Flow::Continue;
  }

 private:
  using Clock = std::chrono::system_clock;

  static Flow refuse(RequestContext& ctx, Problem p) {
    ctx.decision.code = p.code;
    ctx.decision.reason = p.detail;
    ctx.fail(std::move(p));
    return Flow::Stop;
  }

  std::shared_ptr<const PolicyHolder> policy_;
  ClockFn clock_;
  bool via_linkage_;
};

}  // namespace

std::shared_ptr<const Stage> make_access_stage(std::shared_ptr<const PolicyHolder> policy,
                                               ClockFn clock, bool via_linkage) {
  return std::make_shared<AccessStage>(std::move(policy), std::move(clock), via_linkage);
}

}  // namespace bronpoort::access
