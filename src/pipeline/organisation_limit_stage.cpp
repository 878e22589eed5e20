#include <bronpoort/pipeline/organisation_limit_stage.hpp>

namespace bronpoort::pipeline {

std::shared_ptr<void> OrganisationLimiter::acquire(const std::string& organisation,
                                                   std::size_t limit) {
  {
    std::lock_guard lock(mu_);
    auto& n = in_flight_[organisation];
    if (n >= limit) return nullptr;
    ++n;
  }
  // The handle releases the slot on destruction; a non-null dummy pointer carries the deleter.
  static int token;
  return std::shared_ptr<void>(
      &token, [self = shared_from_this(), organisation](void*) { self->release(organisation); });
}

void OrganisationLimiter::release(const std::string& organisation) {
  std::lock_guard lock(mu_);
  auto it = in_flight_.find(organisation);
  if (it != in_flight_.end() && --it->second == 0) in_flight_.erase(it);
}

Flow OrganisationLimitStage::process(RequestContext& ctx) const {
  if (!ctx.identity.authenticated || ctx.identity.organisation.empty()) return Flow::Continue;
  auto slot = limiter_->acquire(ctx.identity.organisation, limit_);
  if (!slot) {
    ctx.response.headers.set("Retry-After", "1");
    ctx.fail(make_problem(429, "organisation-concurrency-limit",
                          "Your organisation has " + std::to_string(limit_) +
                              " requests in flight, the most allowed at once. Retry after one "
                              "of them finishes."));
    return Flow::Stop;
  }
  ctx.holds.push_back(std::move(slot));
  return Flow::Continue;
}

}  // namespace bronpoort::pipeline
