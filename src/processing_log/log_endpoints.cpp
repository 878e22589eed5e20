// The auditor's endpoints: list, checkpoints, verify. Export, the standard's read API and the
// citizen's view are in their own files.

#include "log_endpoints.hpp"

#include "log_query.hpp"

#include <bronpoort/common/endpoint_kit.hpp>
#include <bronpoort/common/roles.hpp>
#include <bronpoort/common/time.hpp>
#include <bronpoort/processing_log/verifier.hpp>

#include <atomic>

namespace bronpoort::processing_log {
namespace {

nlohmann::json page_json(const RequestContext& ctx, const LogPage& page) {
  nlohmann::json records = nlohmann::json::array();
  for (const auto& r : page.records) records.push_back(r.to_api_json());
  nlohmann::json links = {{"self", {{"href", ctx.request.target}}}};
  if (page.next) links["next"] = {{"href", next_page_href(ctx.request, *page.next)}};
  return {{"records", records}, {"_links", links}};
}

class ListEndpoint final : public LogEndpoint {
 public:
  using LogEndpoint::LogEndpoint;

  void handle(RequestContext& ctx, Resume done) const override {
    auto request = caller_log_query(ctx, log_->config().max_page_size, done);
    if (!request) return;
    LogRead read{request->filter, {}};
    audit_read_then(*log_, executor_, ctx, read, std::move(done), [this, &ctx, req = *request] {
      auto page = log_->store().query(req.filter, req.cursor, req.page_size);
      common::respond_json(ctx, 200, page_json(ctx, page));
    });
  }
};

class CheckpointsEndpoint final : public LogEndpoint {
 public:
  using LogEndpoint::LogEndpoint;

  void handle(RequestContext& ctx, Resume done) const override {
    if (!require_role(ctx, common::roles::kAuditor, done)) return;
    std::string chain;
    for (const auto& [key, value] : ctx.request.query) {
      if (key != "chainId") {
        auto p = make_problem(400, "invalid-parameter", "Only chainId may be given.");
        p.invalid_params.push_back({key, "unknown parameter", "unknown-parameter"});
        ctx.fail(p);
        done(Flow::Stop);
        return;
      }
      chain = value;
    }
    run_blocking(executor_, ctx, std::move(done), [this, &ctx, chain] {
      nlohmann::json list = nlohmann::json::array();
      for (const auto& cp : log_->store().checkpoints(chain)) {
        list.push_back({{"chainId", cp.chain_id},
                        {"seq", cp.seq},
                        {"headHash", cp.head_hash},
                        {"signedAt", common::format_time_us(cp.signed_at_us)},
                        {"signedAtMicros", cp.signed_at_us},
                        {"keyId", cp.key_id},
                        {"algorithm", "Ed25519"},
                        {"signedMessage", cp.signed_message()},
                        {"signature", cp.signature}});
      }
      common::respond_json(ctx, 200, {{"checkpoints", list}});
    });
  }
};

class VerifyEndpoint final : public LogEndpoint {
 public:
  using LogEndpoint::LogEndpoint;

  void handle(RequestContext& ctx, Resume done) const override {
    if (!require_role(ctx, common::roles::kAuditor, done)) return;
    // A verification reads the whole log. One at a time: concurrent ones would occupy the
    // blocking pool that data requests resume on, and stall them.
    if (running_->exchange(true)) {
      ctx.response.headers.set("Retry-After", "5");
      ctx.fail(make_problem(503, "verification-busy",
                            "A verification of the log is already running; retry when it is "
                            "done."));
      done(Flow::Stop);
      return;
    }
    run_blocking(executor_, ctx, std::move(done), [this, &ctx, running = running_] {
      struct Release {
        std::shared_ptr<std::atomic<bool>> flag;
        ~Release() { flag->store(false); }
      } release{running};
      // The Merkle tree against its signed heads too; witnesses are asked by verify-log.
      TreeVerification tree{log_->config().note_verifier.get(), {}, {}};
      auto report = verify_log(log_->store(), log_->verifier(), &tree);
      common::respond_json(ctx, 200, report.to_json());
    });
  }

 private:
  std::shared_ptr<std::atomic<bool>> running_ = std::make_shared<std::atomic<bool>>(false);
};

}  // namespace

std::shared_ptr<const Endpoint> make_list_endpoint(std::shared_ptr<ProcessingLog> log,
                                                   BlockingExecutor& executor) {
  return std::make_shared<ListEndpoint>(std::move(log), executor);
}

std::shared_ptr<const Endpoint> make_checkpoints_endpoint(std::shared_ptr<ProcessingLog> log,
                                                          BlockingExecutor& executor) {
  return std::make_shared<CheckpointsEndpoint>(std::move(log), executor);
}

std::shared_ptr<const Endpoint> make_verify_endpoint(std::shared_ptr<ProcessingLog> log,
                                                     BlockingExecutor& executor) {
  return std::make_shared<VerifyEndpoint>(std::move(log), executor);
}

std::vector<EndpointRoute> make_log_endpoints(std::shared_ptr<ProcessingLog> log,
                                              BlockingExecutor& executor) {
  using A = AuthRequirement;
  std::vector<EndpointRoute> routes = {
      {"GET", "/v1/processing-log", A::Required, make_list_endpoint(log, executor)},
      {"GET", "/v1/processing-log/export", A::Required, make_export_endpoint(log, executor)},
      {"GET", "/v1/processing-log/checkpoints", A::Required,
       make_checkpoints_endpoint(log, executor)},
      {"GET", "/v1/processing-log/verify", A::Required, make_verify_endpoint(log, executor)},
      {"POST", "/v1/processing-activities", A::Required,
       make_processing_activities_endpoint(log, executor)},
      {"GET", "/v1/my-processing-log", A::Required, make_my_log_endpoint(log, executor)},
  };
  for (auto& route : make_proof_endpoints(log, executor)) routes.push_back(std::move(route));
  return routes;
}

}  // namespace bronpoort::processing_log
