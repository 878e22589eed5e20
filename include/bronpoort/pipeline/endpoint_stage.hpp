#pragma once
// The endpoint stage: the gateway's own endpoints (catalog, access requests, auditor and citizen
// log APIs, operations) answer here; data routes pass through to the data stages' results.

#include <bronpoort/core/stage.hpp>

namespace bronpoort::pipeline {

// Answers endpoint routes by calling their Endpoint; data routes pass through.
class EndpointStage final : public Stage {
 public:
  const char* name() const override { return "endpoint"; }
  void run(RequestContext& ctx, Resume resume) const override;
};

}  // namespace bronpoort::pipeline
