#include <bronpoort/observability/metrics.hpp>
#include <bronpoort/pipeline/address_rate.hpp>

#include <algorithm>

namespace bronpoort::pipeline {
namespace {

// Past this many addresses, full buckets (addresses quiet for a while) are dropped.
constexpr std::size_t kMaxTracked = 10'000;

}  // namespace

bool AddressRateLimiter::take(const std::string& address,
                              std::chrono::steady_clock::time_point now) {
  std::lock_guard lock(mu_);
  if (buckets_.size() >= kMaxTracked) prune(now);
  auto [it, fresh] = buckets_.try_emplace(address, Bucket{burst_, now});
  Bucket& b = it->second;
  if (!fresh) {
    const double elapsed = std::chrono::duration<double>(now - b.last).count();
    b.tokens = std::min(burst_, b.tokens + elapsed * per_second_);
    b.last = now;
  }
  if (b.tokens < 1.0) return false;
  b.tokens -= 1.0;
  return true;
}

void AddressRateLimiter::prune(std::chrono::steady_clock::time_point now) {
  std::erase_if(buckets_, [&](const auto& entry) {
    const double elapsed = std::chrono::duration<double>(now - entry.second.last).count();
    return entry.second.tokens + elapsed * per_second_ >= burst_;
  });
  // Still full of active addresses (a wide attack): start over rather than grow without bound.
  if (buckets_.size() >= kMaxTracked) buckets_.clear();
}

Flow UnauthenticatedRateStage::process(RequestContext& ctx) const {
  if (!ctx.problem || ctx.problem->status != 401)
    return ctx.refused() ? Flow::Stop : Flow::Continue;
  const bool allowed = limiter_->take(ctx.request.remote_address, std::chrono::steady_clock::now());
  if (metrics_) metrics_->unauthenticated_refused(!allowed);
  if (!allowed) {
    ctx.quiet = true;
    ctx.response.headers.set("Retry-After", "1");
    ctx.fail(make_problem(429, "too-many-unauthenticated-requests",
                          "Too many requests without a valid token from your address. Obtain a "
                          "token from your identity provider and retry after a second."));
  }
  return Flow::Stop;
}

}  // namespace bronpoort::pipeline
