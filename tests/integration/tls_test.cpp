// TLS and mutual TLS listeners, with certificates made by the test itself with openssl.

#include "support/gateway_process.hpp"
#include "support/http_client.hpp"

#include <gtest/gtest.h>

namespace bronpoort::testing {
namespace {

// A CA, a server certificate for localhost, a client certificate carrying an OIN in its
// serialNumber (as PKIoverheid does), and a client certificate from an unknown CA.
class TlsMaterial {
 public:
  explicit TlsMaterial(const TempDir& dir) : dir_(dir.path().string()) {
    dir.write("server.ext", "subjectAltName=DNS:localhost,IP:127.0.0.1\n");
    const std::string ec = " -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes ";
    const std::string d = dir_ + "/";
    ok_ = run("openssl req -x509" + ec + "-keyout " + d + "ca.key -out " + d +
              "ca.crt -days 1 -subj /CN=Bronpoort-Test-CA") == 0 &&
          run("openssl req -new" + ec + "-keyout " + d + "server.key -out " + d +
              "server.csr -subj /CN=localhost") == 0 &&
          run("openssl x509 -req -in " + d + "server.csr -CA " + d + "ca.crt -CAkey " + d +
              "ca.key -CAcreateserial -days 1 -extfile " + d + "server.ext -out " + d +
              "server.crt") == 0 &&
          run("openssl req -new" + ec + "-keyout " + d + "client.key -out " + d +
              "client.csr -subj /CN=Gemeente-Demo/serialNumber=00000001001234567000") == 0 &&
          run("openssl x509 -req -in " + d + "client.csr -CA " + d + "ca.crt -CAkey " + d +
              "ca.key -CAcreateserial -days 1 -out " + d + "client.crt") == 0 &&
          run("openssl req -x509" + ec + "-keyout " + d + "rogue.key -out " + d +
              "rogue.crt -days 1 -subj /CN=Rogue/serialNumber=00000001001234567000") == 0;
  }
  bool ok() const { return ok_; }
  std::string file(const std::string& name) const { return dir_ + "/" + name; }

 private:
  static int run(const std::string& cmd) { return run_command(cmd + " >/dev/null 2>&1"); }
  std::string dir_;
  bool ok_ = false;
};

nlohmann::json tls_config(const TlsMaterial& m, bool mutual) {
  auto cfg = minimal_config();
  nlohmann::json tls = {{"certificateFile", m.file("server.crt")},
                        {"privateKeyFile", m.file("server.key")}};
  if (mutual) {
    tls["clientCaFile"] = m.file("ca.crt");
    tls["requireClientCertificate"] = true;
  }
  cfg["server"]["listeners"][0]["tls"] = tls;
  return cfg;
}

std::optional<Response> tls_get(std::uint16_t port, const TlsOptions& options) {
  Connection c(port, options);
  if (!c.connected() || !c.send(build_request("GET", "/healthz"))) return std::nullopt;
  return c.read_response(std::chrono::seconds(5));
}

TEST(Tls, ServesOverTlsWithVerifiedServerCertificateAndHsts) {
  TempDir dir;
  TlsMaterial m(dir);
  ASSERT_TRUE(m.ok());
  GatewayProcess gw(dir, tls_config(m, false));
  auto r = tls_get(gw.port(), {m.file("ca.crt"), "", ""});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_NE(r->header("strict-transport-security").find("max-age="), std::string::npos);
  // Plain HTTP on the TLS port gets no answer.
  auto plain = request(gw.port(), "GET", "/healthz");
  EXPECT_FALSE(plain && plain->status == 200);
}

TEST(Tls, MutualTlsAcceptsClientCertificateFromTrustedCa) {
  TempDir dir;
  TlsMaterial m(dir);
  ASSERT_TRUE(m.ok());
  GatewayProcess gw(dir, tls_config(m, true));
  auto r = tls_get(gw.port(), {m.file("ca.crt"), m.file("client.crt"), m.file("client.key")});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
}

TEST(Tls, MutualTlsRefusesMissingOrUntrustedClientCertificate) {
  TempDir dir;
  TlsMaterial m(dir);
  ASSERT_TRUE(m.ok());
  GatewayProcess gw(dir, tls_config(m, true));
  EXPECT_FALSE(tls_get(gw.port(), {m.file("ca.crt"), "", ""}).has_value());
  EXPECT_FALSE(
      tls_get(gw.port(), {m.file("ca.crt"), m.file("rogue.crt"), m.file("rogue.key")}).has_value());
  // The listener keeps serving good clients afterwards.
  auto r = tls_get(gw.port(), {m.file("ca.crt"), m.file("client.crt"), m.file("client.key")});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
}

TEST(Tls, UnreadableCertificateIsAConfigError) {
  TempDir dir;
  auto cfg = minimal_config();
  cfg["server"]["listeners"][0]["tls"] = {{"certificateFile", "missing.crt"},
                                          {"privateKeyFile", "missing.key"}};
  auto path = dir.write("gw.json", cfg.dump());
  EXPECT_EQ(run_command(std::string(BRONPOORT_BINARY) + " check-config --config " + path.string() +
                        " 2>/dev/null"),
            1);
}

}  // namespace
}  // namespace bronpoort::testing
