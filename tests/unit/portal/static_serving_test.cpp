// The portal's files: served from memory with their content type and the portal's security
// headers; nothing outside the portal directory can be named, however the path is written.
#include "portal_fixture.hpp"

namespace bronpoort::portal {
namespace {

using testing::InnerRoutes;
using testing::PortalDir;
using testing::serve;

std::shared_ptr<const Stage> portal_stage(const PortalDir& dir, PortalConfig config = {}) {
  auto files = StaticFiles::load(dir.portal());
  EXPECT_TRUE(std::holds_alternative<StaticFiles>(files));
  config.directory = dir.portal();
  return make_portal_route_stage(std::make_shared<const PortalConfig>(std::move(config)),
                                 std::make_shared<const StaticFiles>(std::get<StaticFiles>(files)),
                                 {}, std::make_shared<InnerRoutes>());
}

TEST(PortalStaticFiles, ServesIndexForThePortalRootWithSecurityHeaders) {
  PortalDir dir;
  auto stage = portal_stage(dir);
  auto ctx = serve(*stage, "GET", "/portal/");
  EXPECT_EQ(ctx.response.status, 200);
  EXPECT_EQ(ctx.response.body, "<!doctype html><title>portaal</title>");
  EXPECT_EQ(ctx.response.headers.find("Content-Type"), "text/html; charset=utf-8");
  const std::string csp(*ctx.response.headers.find("Content-Security-Policy"));
  EXPECT_NE(csp.find("script-src 'self'"), std::string::npos);
  EXPECT_NE(csp.find("connect-src 'self';"), std::string::npos);
  EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos);
  EXPECT_EQ(csp.find("unsafe-inline"), std::string::npos);
  EXPECT_EQ(csp.find("unsafe-eval"), std::string::npos);
  EXPECT_EQ(ctx.response.headers.find("X-Frame-Options"), "DENY");
  EXPECT_EQ(ctx.response.headers.find("X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(ctx.response.headers.find("Referrer-Policy"), "no-referrer");
  EXPECT_EQ(ctx.route.name, "/portal/{file}");
}

TEST(PortalStaticFiles, ServesScriptsAsJavaScript) {
  PortalDir dir;
  auto ctx = serve(*portal_stage(dir), "GET", "/portal/js/app.js");
  EXPECT_EQ(ctx.response.status, 200);
  EXPECT_EQ(ctx.response.headers.find("Content-Type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(ctx.response.body, "console.log('portaal');");
}

TEST(PortalStaticFiles, RedirectsThePortalWithoutSlash) {
  PortalDir dir;
  auto ctx = serve(*portal_stage(dir), "GET", "/portal");
  EXPECT_EQ(ctx.response.status, 308);
  EXPECT_EQ(ctx.response.headers.find("Location"), "/portal/");
}

TEST(PortalStaticFiles, LeavesOtherPathsToTheApiRouter) {
  PortalDir dir;
  auto stage = portal_stage(dir);
  for (const char* path : {"/v1/datasets", "/portalx", "/portal-admin/x", "/"}) {
    auto ctx = serve(*stage, "GET", path);
    EXPECT_EQ(ctx.route.name, "inner") << path;
  }
}

// The server hands the stage a percent-decoded path, so "%2e%2e%2f" arrives as "../"; both the
// raw and the decoded spellings are refused, and the secret beside the directory never leaks.
TEST(PortalStaticFiles, RefusesDirectoryTraversalInEverySpelling) {
  PortalDir dir;
  dir.write("portal/.env", "SECRET=1");
  dir.write("portal/.git/config", "[core] bare = false");
  auto stage = portal_stage(dir);
  for (const char* path :
       {"/portal/../secret.pem", "/portal/js/../../secret.pem", "/portal/..",
        "/portal/./index.html", "/portal//index.html", "/portal/js//app.js",
        "/portal/..\\secret.pem", "/portal/js\\..\\..\\secret.pem", "/portal/%2e%2e/secret.pem",
        "/portal/..%2fsecret.pem", "/portal/.env", "/portal/.git/config", "/portal/index.html/",
        "/portal/js/", "/portal//etc/passwd", "/portal/\x01index.html"}) {
    auto ctx = serve(*stage, "GET", path);
    EXPECT_EQ(ctx.response.status, 404) << path;
    // The problem document names the path it refused, never a file's content.
    EXPECT_EQ(ctx.response.body.find("PRIVATE KEY"), std::string::npos) << path;
    EXPECT_EQ(ctx.response.body.find("SECRET=1"), std::string::npos) << path;
    EXPECT_EQ(ctx.response.body.find("[core]"), std::string::npos) << path;
    EXPECT_TRUE(ctx.response.headers.find("Content-Security-Policy")) << path;
  }
  auto nul = serve(*stage, "GET", std::string("/portal/index.html\0.png", 23));
  EXPECT_EQ(nul.response.status, 404);
}

TEST(PortalStaticFiles, DoesNotFollowSymbolicLinksOutOfTheDirectory) {
  PortalDir dir;
  std::filesystem::create_symlink(dir.root() / "secret.pem", dir.portal() / "key.txt");
  std::filesystem::create_directory_symlink(dir.root(), dir.portal() / "up");
  auto stage = portal_stage(dir);
  EXPECT_EQ(serve(*stage, "GET", "/portal/key.txt").response.status, 404);
  EXPECT_EQ(serve(*stage, "GET", "/portal/up/secret.pem").response.status, 404);
}

TEST(PortalStaticFiles, ServesOnlyKnownContentTypes) {
  PortalDir dir;
  dir.write("portal/notes.md", "# not served");
  dir.write("portal/run.sh", "rm -rf /");
  auto stage = portal_stage(dir);
  EXPECT_EQ(serve(*stage, "GET", "/portal/notes.md").response.status, 404);
  EXPECT_EQ(serve(*stage, "GET", "/portal/run.sh").response.status, 404);
  EXPECT_EQ(content_type_for("a.css"), "text/css; charset=utf-8");
  EXPECT_EQ(content_type_for("a.json"), "application/json");
  EXPECT_EQ(content_type_for("a.pem"), "");
}

TEST(PortalStaticFiles, AnswersOnlyGet) {
  PortalDir dir;
  auto ctx = serve(*portal_stage(dir), "POST", "/portal/index.html", "{}");
  EXPECT_EQ(ctx.response.status, 405);
  EXPECT_EQ(ctx.response.headers.find("Allow"), "GET");
}

TEST(PortalStaticFiles, PublishesSettingsWithoutSecrets) {
  PortalDir dir;
  PortalConfig config;
  config.demo_sign_in = true;
  config.organisations["00000001001234567000"] = "Gemeente Voorbeeldstad";
  OidcClient oidc;
  oidc.issuer = "https://idp.example.nl";
  oidc.authorization_endpoint = "https://idp.example.nl/authorize";
  oidc.token_endpoint = "https://login.example.nl/token";
  oidc.client_id = "bronpoort-portal";
  config.oidc = oidc;
  auto stage = portal_stage(dir, config);
  auto ctx = serve(*stage, "GET", "/portal/portal-config.json");
  ASSERT_EQ(ctx.response.status, 200);
  auto j = nlohmann::json::parse(ctx.response.body);
  EXPECT_TRUE(j["demoSignIn"].get<bool>());
  EXPECT_EQ(j["oidc"]["clientId"], "bronpoort-portal");
  EXPECT_EQ(j["organisations"]["00000001001234567000"], "Gemeente Voorbeeldstad");
  // The browser may call the token endpoint's origin, and nothing else beyond the gateway.
  const std::string csp(*ctx.response.headers.find("Content-Security-Policy"));
  EXPECT_NE(csp.find("connect-src 'self' https://login.example.nl;"), std::string::npos) << csp;
}

TEST(PortalStaticFiles, LoadRefusesADirectoryWithoutIndex) {
  PortalDir dir;
  std::filesystem::remove(dir.portal() / "index.html");
  auto loaded = StaticFiles::load(dir.portal());
  ASSERT_TRUE(std::holds_alternative<std::string>(loaded));
  EXPECT_NE(std::get<std::string>(loaded).find("index.html"), std::string::npos);
  EXPECT_TRUE(std::holds_alternative<std::string>(StaticFiles::load(dir.root() / "missing")));
}

TEST(PortalStaticFiles, TheCommittedPortalLoads) {
  auto loaded = StaticFiles::load(std::filesystem::path(BRONPOORT_SOURCE_DIR) / "portal" / "dist");
  ASSERT_TRUE(std::holds_alternative<StaticFiles>(loaded));
  const auto& files = std::get<StaticFiles>(loaded);
  ASSERT_NE(files.find("index.html"), nullptr);
  ASSERT_NE(files.find("js/app.js"), nullptr);
  ASSERT_NE(files.find("css/portal.css"), nullptr);
  // No inline script: the CSP would block it, so the page would not work.
  EXPECT_EQ(files.find("index.html")->body.find("<script>"), std::string::npos);
}

}  // namespace
}  // namespace bronpoort::portal
