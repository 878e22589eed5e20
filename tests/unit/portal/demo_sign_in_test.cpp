// The DEMO ONLY sign-in: refused unless configured, only on loopback, only JSON, and it passes
// only the role, organisation, subject and BSN to the issuer.
#include "portal_fixture.hpp"

namespace bronpoort::portal {
namespace {

using testing::InnerRoutes;
using testing::PortalDir;
using testing::serve;

struct Harness {
  PortalDir dir;
  std::vector<DemoSignIn> asked;
  std::shared_ptr<const Stage> stage;

  explicit Harness(bool enabled) {
    PortalConfig config;
    config.directory = dir.portal();
    config.demo_sign_in = enabled;
    auto files = std::get<StaticFiles>(StaticFiles::load(dir.portal()));
    stage = make_portal_route_stage(
        std::make_shared<const PortalConfig>(config),
        std::make_shared<const StaticFiles>(std::move(files)),
        [this](const DemoSignIn& in) {
          asked.push_back(in);
          if (in.role == "bad role") return DemoToken{"", "not a valid role name", 0};
          return DemoToken{"header.claims.signature", "", 3600};
        },
        std::make_shared<InnerRoutes>());
  }
};

constexpr const char* kAnalyst = R"({"role":"analyst","organisation":"00000001001234567000"})";

TEST(PortalDemoSignIn, IssuesATokenOnLoopback) {
  Harness h(true);
  auto ctx = serve(*h.stage, "POST", "/portal/demo-token", kAnalyst);
  ASSERT_EQ(ctx.response.status, 200) << ctx.response.body;
  auto j = nlohmann::json::parse(ctx.response.body);
  EXPECT_EQ(j["accessToken"], "header.claims.signature");
  EXPECT_EQ(j["tokenType"], "Bearer");
  EXPECT_EQ(j["expiresIn"], 3600);
  EXPECT_EQ(ctx.response.headers.find("Cache-Control"), "no-store");
  ASSERT_EQ(h.asked.size(), 1u);
  EXPECT_EQ(h.asked[0].role, "analyst");
  EXPECT_EQ(h.asked[0].organisation, "00000001001234567000");
  EXPECT_EQ(h.asked[0].subject, "demo-analyst");
  EXPECT_EQ(ctx.route.name, "/portal/demo-token");
}

TEST(PortalDemoSignIn, IsAbsentWithoutTheDemoConfig) {
  Harness h(false);
  auto ctx = serve(*h.stage, "POST", "/portal/demo-token", kAnalyst);
  EXPECT_EQ(ctx.response.status, 404);
  EXPECT_NE(ctx.response.body.find("demo-sign-in-disabled"), std::string::npos);
  EXPECT_TRUE(h.asked.empty());
}

TEST(PortalDemoSignIn, RefusesCallersBeyondLoopback) {
  Harness h(true);
  for (const char* remote : {"10.0.0.7", "192.168.1.2", "::ffff:10.0.0.7", "2001:db8::1", ""}) {
    auto ctx = serve(*h.stage, "POST", "/portal/demo-token", kAnalyst, remote);
    EXPECT_EQ(ctx.response.status, 403) << remote;
  }
  for (const char* remote : {"127.0.0.1", "::1", "::ffff:127.0.0.1"}) {
    EXPECT_EQ(serve(*h.stage, "POST", "/portal/demo-token", kAnalyst, remote).response.status, 200)
        << remote;
  }
}

TEST(PortalDemoSignIn, TakesOnlyJsonPosts) {
  Harness h(true);
  EXPECT_EQ(serve(*h.stage, "GET", "/portal/demo-token").response.status, 405);
  // A cross-site HTML form can send text/plain or form encoding, never JSON without CORS.
  auto form = serve(*h.stage, "POST", "/portal/demo-token", kAnalyst, "127.0.0.1", "text/plain");
  EXPECT_EQ(form.response.status, 415);
  EXPECT_TRUE(h.asked.empty());
}

TEST(PortalDemoSignIn, RefusesMalformedRequestsWithADetail) {
  Harness h(true);
  for (const char* body :
       {"not json", "[]", R"({"role":"analyst"})", R"({"role":5,"organisation":"x"})",
        R"({"role":"analyst","organisation":"00000001001234567000","admin":"yes"})",
        R"({"role":"analyst","organisation":"00000001001234567000","bsn":"999990019"})"}) {
    auto ctx = serve(*h.stage, "POST", "/portal/demo-token", body);
    EXPECT_EQ(ctx.response.status, 400) << body;
    EXPECT_NE(ctx.response.body.find("invalid-demo-sign-in"), std::string::npos) << body;
  }
  auto refused = serve(*h.stage, "POST", "/portal/demo-token",
                       R"({"role":"bad role","organisation":"00000001001234567000"})");
  EXPECT_EQ(refused.response.status, 400);
  EXPECT_NE(refused.response.body.find("not a valid role name"), std::string::npos);
}

TEST(PortalConfigLoad, DemoSignInNeedsLoopbackListenersAndADemoIssuer) {
  PortalDir dir;
  const nlohmann::json section = {{"directory", dir.portal().string()}, {"demoSignIn", true}};
  auto ok = load_config(section, dir.root(), "gateway.json", {"127.0.0.1", "::1"}, true);
  ASSERT_TRUE(std::holds_alternative<PortalConfig>(ok));
  EXPECT_TRUE(std::get<PortalConfig>(ok).demo_sign_in);

  auto exposed = load_config(section, dir.root(), "gateway.json", {"127.0.0.1", "0.0.0.0"}, true);
  ASSERT_TRUE(std::holds_alternative<ConfigErrors>(exposed));
  EXPECT_EQ(std::get<ConfigErrors>(exposed)[0].pointer, "/portal/demoSignIn");

  auto no_issuer = load_config(section, dir.root(), "gateway.json", {"127.0.0.1"}, false);
  EXPECT_TRUE(std::holds_alternative<ConfigErrors>(no_issuer));

  // Without the demo sign-in any listener is fine.
  auto plain =
      load_config({{"directory", "portal"}}, dir.root(), "gateway.json", {"0.0.0.0"}, false);
  ASSERT_TRUE(std::holds_alternative<PortalConfig>(plain));
  EXPECT_EQ(std::get<PortalConfig>(plain).directory, dir.root() / "portal");
}

TEST(PortalConfigLoad, ReportsUnknownKeysAndBadOidcSettings) {
  PortalDir dir;
  auto typo = load_config({{"directory", "portal"}, {"demoSignin", true}}, dir.root(),
                          "gateway.json", {}, true);
  EXPECT_TRUE(std::holds_alternative<ConfigErrors>(typo));
  const nlohmann::json oidc = {{"issuer", "http://idp.example.nl"},
                               {"authorizationEndpoint", "https://idp.example.nl/authorize"},
                               {"tokenEndpoint", "https://idp.example.nl/token"},
                               {"clientId", "portal"}};
  auto plain_http =
      load_config({{"directory", "portal"}, {"oidc", oidc}}, dir.root(), "gateway.json", {}, false);
  ASSERT_TRUE(std::holds_alternative<ConfigErrors>(plain_http));
  EXPECT_EQ(std::get<ConfigErrors>(plain_http)[0].pointer, "/portal/oidc/issuer");
  auto bad_oin = load_config({{"directory", "portal"}, {"organisations", {{"123", "x"}}}},
                             dir.root(), "gateway.json", {}, false);
  EXPECT_TRUE(std::holds_alternative<ConfigErrors>(bad_oin));
}

}  // namespace
}  // namespace bronpoort::portal
