#pragma once
// The organisation limit stage: at most a configured number of requests in flight per calling
// organisation, so one organisation cannot take the gateway's whole capacity.

#include <bronpoort/core/stage.hpp>

#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace bronpoort::pipeline {

// Counts in-flight requests per calling organisation. Long-lived: it outlives config reloads, so
// requests admitted under the old config still count.
class OrganisationLimiter : public std::enable_shared_from_this<OrganisationLimiter> {
 public:
  // Takes a slot for `organisation`, or nullptr when it already has `limit` requests in flight.
  // The slot is released when the returned handle is destroyed.
  std::shared_ptr<void> acquire(const std::string& organisation, std::size_t limit);

 private:
  void release(const std::string& organisation);
  std::mutex mu_;
  std::map<std::string, std::size_t> in_flight_;
};

// Refuses with 429 when the caller's organisation is over its concurrency limit.
class OrganisationLimitStage final : public SyncStage {
 public:
  OrganisationLimitStage(std::shared_ptr<OrganisationLimiter> limiter, std::size_t limit)
      : limiter_(std::move(limiter)), limit_(limit) {}
  const char* name() const override { return "organisation-limit"; }
  Flow process(RequestContext& ctx) const override;

 private:
  std::shared_ptr<OrganisationLimiter> limiter_;
  std::size_t limit_;
};

}  // namespace bronpoort::pipeline
