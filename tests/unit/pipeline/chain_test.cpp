// The order of the stages is a security property (pipeline/chain.hpp): these tests pin the
// outside chain and the linkage input chain, refuse wirings that would release data unchecked or
// unrecorded, and check that the gateway built from the shipped config runs exactly that order.

#include <bronpoort/config/gateway_config.hpp>
#include <bronpoort/pipeline/chain.hpp>
#include <bronpoort/pipeline/gateway_builder.hpp>

#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

namespace bronpoort::pipeline {
namespace {

namespace fs = std::filesystem;

class Named final : public SyncStage {
 public:
  explicit Named(const char* name) : name_(name) {}
  const char* name() const override { return name_; }
  Flow process(RequestContext&) const override { return Flow::Continue; }

 private:
  const char* name_;
};

std::shared_ptr<const Stage> named(const char* name) {
  return std::make_shared<Named>(name);
}

ChainStages all_stages() {
  ChainStages s;
  s.log_expect = named("processing-log-expect");
  s.authenticate = named("authenticate");
  s.organisation_limit = named("organisation-limit");
  s.route = named("route");
  s.unauthenticated_rate = named("unauthenticated-rate");
  s.access = named("access");
  s.fetch = named("fetch");
  s.validate = named("validate-response");
  s.minimise = named("minimise");
  s.render = named("render-data");
  s.endpoint = named("endpoint");
  s.log = named("processing-log");
  return s;
}

std::vector<std::string> names(const std::vector<std::shared_ptr<const Stage>>& stages) {
  std::vector<std::string> out;
  for (const auto& s : stages) out.push_back(s->name());
  return out;
}

const std::vector<std::string> kOutside = {"processing-log-expect",
                                           "authenticate",
                                           "organisation-limit",
                                           "route",
                                           "unauthenticated-rate",
                                           "access",
                                           "fetch",
                                           "validate-response",
                                           "minimise",
                                           "render-data",
                                           "endpoint",
                                           "processing-log"};
const std::vector<std::string> kLinkageInputs = {
    "route", "access", "fetch", "validate-response", "minimise", "processing-log"};

TEST(Chain, OutsideOrderIsPinned) {
  EXPECT_EQ(names(outside_chain(all_stages())), kOutside);
}

TEST(Chain, DataStagesOnlyRunForDataRoutes) {
  auto chain = outside_chain(all_stages());
  RequestContext endpoint_request;
  endpoint_request.route.kind = RouteKind::Endpoint;
  // The data stages are wrapped: a fake that would fail the request is skipped for endpoints.
  class Failing final : public SyncStage {
   public:
    const char* name() const override { return "fetch"; }
    Flow process(RequestContext& ctx) const override {
      ctx.fail(make_problem(500, "internal-error", "ran"));
      return Flow::Stop;
    }
  };
  auto stages = all_stages();
  stages.fetch = std::make_shared<Failing>();
  auto wired = outside_chain(stages);
  bool resumed = false;
  wired[6]->run(endpoint_request, [&](Flow f) {
    resumed = true;
    EXPECT_EQ(f, Flow::Continue);
  });
  EXPECT_TRUE(resumed);
  EXPECT_FALSE(endpoint_request.problem);
  RequestContext data_request;
  data_request.route.kind = RouteKind::Data;
  wired[6]->run(data_request, [](Flow) {});
  ASSERT_TRUE(data_request.problem);
}

TEST(Chain, WithoutSourcesThereAreNoDataStages) {
  auto s = all_stages();
  s.access = s.fetch = s.validate = s.minimise = s.render = nullptr;
  EXPECT_EQ(
      names(outside_chain(s)),
      (std::vector<std::string>{"processing-log-expect", "authenticate", "organisation-limit",
                                "route", "unauthenticated-rate", "endpoint", "processing-log"}));
}

TEST(Chain, RefusesDataWithoutAnyOfItsChecksOrItsRecord) {
  for (auto missing :
       {&ChainStages::access, &ChainStages::validate, &ChainStages::minimise, &ChainStages::render,
        &ChainStages::log, &ChainStages::fetch, &ChainStages::route, &ChainStages::endpoint}) {
    auto s = all_stages();
    s.*missing = nullptr;
    EXPECT_THROW(outside_chain(s), std::invalid_argument);
  }
}

TEST(Chain, LinkageInputOrderIsPinned) {
  auto s = all_stages();
  EXPECT_EQ(names(linkage_input_chain(s)), kLinkageInputs);
  for (auto missing : {&ChainStages::route, &ChainStages::access, &ChainStages::fetch,
                       &ChainStages::validate, &ChainStages::minimise, &ChainStages::log}) {
    auto broken = all_stages();
    broken.*missing = nullptr;
    EXPECT_THROW(linkage_input_chain(broken), std::invalid_argument);
  }
}

// The gateway built from the shipped demo config runs both chains in exactly this order.
TEST(Chain, TheShippedGatewayRunsThePinnedOrders) {
  ::setenv("BRONPOORT_DEBT_PG_DSN", "host=127.0.0.1 dbname=unused", 0);
  const fs::path source = BRONPOORT_SOURCE_DIR;
  auto loaded = config::load_gateway_config(source / "config" / "gateway.json");
  ASSERT_TRUE(loaded.config) << (loaded.errors.empty() ? "" : loaded.errors.front().to_string());
  auto cfg = *loaded.config;
  const fs::path dir =
      fs::temp_directory_path() / ("bronpoort-chain-unit-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  cfg.store["path"] = (dir / "bronpoort.db").string();
  ConfigErrors errors;
  auto services = GatewayServices::start(cfg, errors);
  ASSERT_TRUE(services) << (errors.empty() ? "" : errors.front().to_string());
  auto built = build_gateway(cfg, *services);
  ASSERT_TRUE(built.pipeline) << (built.errors.empty() ? "" : built.errors.front().to_string());
  EXPECT_EQ(names(built.pipeline->stages()), kOutside);
  ASSERT_TRUE(built.linkage_inputs);
  EXPECT_EQ(names(built.linkage_inputs->stages()), kLinkageInputs);
  built = {};
  services.reset();
  fs::remove_all(dir);
}

}  // namespace
}  // namespace bronpoort::pipeline
