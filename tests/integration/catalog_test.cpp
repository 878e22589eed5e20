// The publication point through the real binary: the catalog and the OpenAPI document are public,
// carry the design rules' headers, describe what the router serves, and follow a config reload.

#include <bronpoort/catalog/catalog_model.hpp>
#include <bronpoort/catalog/openapi.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <csignal>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

namespace bronpoort::catalog_it {
namespace {

namespace fs = std::filesystem;

struct Reply {
  int status = 0;
  std::string head;  // status line and headers, as received
  std::string body;
  std::string header(const std::string& name) const {
    std::istringstream in(head);
    std::string line;
    while (std::getline(in, line)) {
      if (line.size() > name.size() && strncasecmp(line.c_str(), name.c_str(), name.size()) == 0 &&
          line[name.size()] == ':') {
        std::string v = line.substr(name.size() + 1);
        while (!v.empty() && (v.front() == ' ')) v.erase(0, 1);
        while (!v.empty() && (v.back() == '\r' || v.back() == ' ')) v.pop_back();
        return v;
      }
    }
    return {};
  }
};

// A plain HTTP/1.1 GET with Connection: close; enough for JSON answers with Content-Length.
Reply get(int port, const std::string& target, const std::string& accept = "application/json") {
  Reply r;
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return r;
  }
  std::string req = "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: " + accept +
                    "\r\nConnection: close\r\n\r\n";
  (void)::send(fd, req.data(), req.size(), 0);
  std::string all;
  char buf[65536];
  for (ssize_t n; (n = ::recv(fd, buf, sizeof buf, 0)) > 0;)
    all.append(buf, static_cast<std::size_t>(n));
  ::close(fd);
  auto split = all.find("\r\n\r\n");
  if (split == std::string::npos) return r;
  r.head = all.substr(0, split);
  r.body = all.substr(split + 4);
  r.status = std::stoi(r.head.substr(9, 3));
  return r;
}

class Gateway {
 public:
  explicit Gateway(const fs::path& config) : log_(config.parent_path() / "gateway.log") {
    ::setenv("BRONPOORT_DEBT_PG_DSN", "host=127.0.0.1 dbname=unused-by-catalog-test", 1);
    pid_ = ::fork();
    if (pid_ == 0) {
      std::freopen(log_.c_str(), "w", stdout);
      std::freopen(log_.c_str(), "a", stderr);
      ::execl(BRONPOORT_BINARY, BRONPOORT_BINARY, "serve", "--config", config.c_str(), nullptr);
      ::_exit(127);
    }
    port_ = wait_for_port();
  }
  ~Gateway() {
    ::kill(pid_, SIGTERM);
    ::waitpid(pid_, nullptr, 0);
  }
  int port() const { return port_; }
  // Sends SIGHUP and waits until the log says the new config was taken (or rejected).
  bool reload() {
    const auto before = count("\"reloaded\"");
    ::kill(pid_, SIGHUP);
    for (int i = 0; i < 100; ++i) {
      if (count("\"reloaded\"") > before) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  }
  std::string log() const {
    std::ifstream in(log_);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }

 private:
  std::size_t count(const std::string& needle) const {
    std::string text = log();
    std::size_t n = 0;
    for (auto pos = text.find(needle); pos != std::string::npos; pos = text.find(needle, pos + 1))
      ++n;
    return n;
  }
  int wait_for_port() const {
    for (int i = 0; i < 200; ++i) {
      std::istringstream in(log());
      for (std::string line; std::getline(in, line);) {
        auto j = nlohmann::json::parse(line, nullptr, false);
        if (!j.is_discarded() && j.value("event", "") == "listening") return j["port"].get<int>();
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return 0;
  }
  fs::path log_;
  pid_t pid_ = -1;
  int port_ = 0;
};

class CatalogThroughGateway : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("bronpoort-catalog-it-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "sources");
    const fs::path src = BRONPOORT_SOURCE_DIR;
    for (const auto& e : fs::directory_iterator(src / "config" / "sources")) {
      fs::copy_file(e.path(), dir_ / "sources" / e.path().filename());
    }
    fs::copy(src / "config" / "purposes", dir_ / "purposes");
    const fs::path keys = src / "config" / "keys";
    nlohmann::json cfg = {
        // Sources need the access checker and the processing log: no data without both.
        {"access", {{"purposes", "purposes"}}},
        {"store", {{"kind", "sqlite"}, {"path", "bronpoort.db"}}},
        {"processingLog",
         {{"chainId", "catalog-it"},
          {"pseudonymKeyId", "demo-2026"},
          {"pseudonymKeyFile", (keys / "demo-pseudonym.key").string()},
          {"checkpointKeyFile", (keys / "demo-log-checkpoint-ed25519.pem").string()},
          {"checkpointKeyId", "demo"},
          {"checkpointPublicKeyFile", (keys / "demo-log-checkpoint-ed25519.pub.pem").string()}}},
        {"server",
         {{"listeners", nlohmann::json::array({{{"address", "127.0.0.1"}, {"port", 0}}})}}},
        {"sources",
         {{"directory", "sources"}, {"schemaDirectory", (src / "schemas" / "datasets").string()}}},
        {"catalog",
         {{"title", "Bronpoort (integration)"},
          {"contact",
           {{"name", "Team"}, {"email", "team@example.nl"}, {"url", "https://example.nl"}}}}}};
    std::ofstream(dir_ / "gateway.json") << cfg.dump(2);
    gateway_ = std::make_unique<Gateway>(dir_ / "gateway.json");
    ASSERT_NE(gateway_->port(), 0) << gateway_->log();
  }
  void TearDown() override {
    gateway_.reset();
    fs::remove_all(dir_);
  }
  fs::path dir_;
  std::unique_ptr<Gateway> gateway_;
};

TEST_F(CatalogThroughGateway, OpenApiIsPublicCorsOpenAndDescribesTheSources) {
  Reply r = get(gateway_->port(), "/v1/openapi.json");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.header("Access-Control-Allow-Origin"), "*");
  EXPECT_EQ(r.header("API-Version"), "1.0.0");
  EXPECT_EQ(r.header("X-Content-Type-Options"), "nosniff");
  EXPECT_NE(r.header("Cache-Control").find("public"), std::string::npos);
  auto doc = nlohmann::json::parse(r.body);
  EXPECT_EQ(doc["openapi"], "3.0.3");
  EXPECT_TRUE(doc["paths"].contains("/datasets/persons/persons"));
  EXPECT_TRUE(doc["paths"].contains("/datasets/persons/persons/search"));
  EXPECT_FALSE(doc["paths"].contains("/datasets/persons/persons/{bsn}"));
}

TEST_F(CatalogThroughGateway, EveryPublicGetInTheDocumentAnswersAsDocumented) {
  auto doc = nlohmann::json::parse(get(gateway_->port(), "/v1/openapi.json").body);
  int called = 0;
  for (const auto& [path, item] : doc["paths"].items()) {
    if (!item.contains("get")) continue;
    const auto& op = item["get"];
    if (op["security"] != nlohmann::json::array({nlohmann::json::object()})) continue;
    std::string target = "/v1" + path;
    // Fill path parameters with a value that exists: the first dataset.
    if (auto p = target.find("{dataset}"); p != std::string::npos) target.replace(p, 9, "persons");
    // ... and a purpose from the demo register.
    if (auto p = target.find("{id}"); p != std::string::npos && path.rfind("/purposes", 0) == 0) {
      target.replace(p, 4, "schuldhulpverlening-intake");
    }
    Reply r = get(gateway_->port(), target);
    EXPECT_EQ(r.status, 200) << target;
    EXPECT_TRUE(op["responses"].contains("200")) << target;
    EXPECT_FALSE(r.header("API-Version").empty()) << target;
    ++called;
  }
  EXPECT_GE(called, 3);
}

TEST_F(CatalogThroughGateway, CatalogFiltersDcatAndProblems) {
  auto list = nlohmann::json::parse(get(gateway_->port(), "/v1/datasets?category=location").body);
  ASSERT_EQ(list["datasets"].size(), 1u);
  EXPECT_EQ(list["datasets"][0]["id"], "addresses");
  Reply ld = get(gateway_->port(), "/v1/datasets/persons", "application/ld+json");
  EXPECT_EQ(ld.header("Content-Type"), "application/ld+json");
  EXPECT_EQ(nlohmann::json::parse(ld.body)["@type"], "dcat:Dataset");
  Reply missing = get(gateway_->port(), "/v1/datasets/parcels");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.header("Content-Type"), "application/problem+json");
  EXPECT_EQ(get(gateway_->port(), "/v1/datasets?category=animals").status, 400);
}

TEST_F(CatalogThroughGateway, ReloadUpdatesCatalogAndDocument) {
  ASSERT_TRUE(fs::remove(dir_ / "sources" / "rivm-demo-sewage.json"));
  // The purpose that covers the sewage data would now cover nothing: a config error. It goes too.
  ASSERT_TRUE(fs::remove(dir_ / "purposes" / "rioolwater-surveillance.json"));
  ASSERT_TRUE(gateway_->reload()) << gateway_->log();
  auto list = nlohmann::json::parse(get(gateway_->port(), "/v1/datasets").body);
  for (const auto& d : list["datasets"]) EXPECT_NE(d["id"], "sewage-surveillance");
  EXPECT_EQ(get(gateway_->port(), "/v1/datasets/sewage-surveillance").status, 404);
  auto doc = nlohmann::json::parse(get(gateway_->port(), "/v1/openapi.json").body);
  EXPECT_FALSE(doc["paths"].contains("/datasets/sewage-surveillance/measurements"));
}

}  // namespace
}  // namespace bronpoort::catalog_it
