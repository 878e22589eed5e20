#pragma once
// A portal directory on disk and the portal route stage over it, for the portal's unit tests.

#include <bronpoort/pipeline/pipeline.hpp>
#include <bronpoort/portal/portal.hpp>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>

namespace bronpoort::portal::testing {

// A temporary directory holding `portal/` (the served files) and a secret beside it.
class PortalDir {
 public:
  PortalDir() {
    std::random_device rd;
    root_ = std::filesystem::temp_directory_path() / ("bronpoort-portal-" + std::to_string(rd()));
    std::filesystem::create_directories(root_ / "portal" / "js");
    write("portal/index.html", "<!doctype html><title>portaal</title>");
    write("portal/js/app.js", "console.log('portaal');");
    write("secret.pem", "-----BEGIN PRIVATE KEY----- secret");
  }
  ~PortalDir() { std::filesystem::remove_all(root_); }
  PortalDir(const PortalDir&) = delete;
  PortalDir& operator=(const PortalDir&) = delete;

  void write(const std::string& rel, const std::string& text) const {
    std::filesystem::create_directories((root_ / rel).parent_path());
    std::ofstream(root_ / rel, std::ios::binary) << text;
  }
  std::filesystem::path root() const { return root_; }
  std::filesystem::path portal() const { return root_ / "portal"; }

 private:
  std::filesystem::path root_;
};

// Stands in for the API's route stage: records that it was asked.
class InnerRoutes final : public Stage {
 public:
  const char* name() const override { return "route"; }
  bool runs_after_refusal() const override { return true; }
  void run(RequestContext& ctx, Resume resume) const override {
    ctx.route.name = "inner";
    resume(Flow::Continue);
  }
};

// Runs the portal route stage and, for portal routes, the endpoint, then renders the response as
// the pipeline would.
inline RequestContext serve(const Stage& stage, std::string method, std::string path,
                            std::string body = {}, std::string remote = "127.0.0.1",
                            std::string content_type = "application/json") {
  RequestContext ctx;
  ctx.request.method = std::move(method);
  ctx.request.path = std::move(path);
  ctx.request.body = std::move(body);
  ctx.request.remote_address = std::move(remote);
  if (!content_type.empty()) ctx.request.headers.add("Content-Type", content_type);
  Flow flow = Flow::Stop;
  stage.run(ctx, [&](Flow f) { flow = f; });
  if (flow == Flow::Continue && ctx.route.endpoint) {
    ctx.route.endpoint->handle(ctx, [](Flow) {});
  }
  pipeline::render_response(ctx);
  return ctx;
}

}  // namespace bronpoort::portal::testing
