// Cost of authenticating one request: verifying a bearer token per algorithm, the whole
// authenticate stage (header parsing, verification, claims -> Identity), and how cheaply the
// common forgeries are turned away. Keys are generated here and loaded through the real config
// loader, exactly as gateway.json would load them.

#include <bronpoort/authenticate/base64url.hpp>
#include <bronpoort/authenticate/config.hpp>
#include <bronpoort/authenticate/jwk_export.hpp>
#include <bronpoort/authenticate/jws_signature.hpp>
#include <bronpoort/authenticate/stage.hpp>
#include <bronpoort/authenticate/token_verifier.hpp>

#include <benchmark/benchmark.h>
#include <openssl/evp.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace bronpoort::authenticate {
namespace {

using nlohmann::json;

constexpr const char* kIssuer = "https://idp.bench.example";

KeyHandle keygen(EVP_PKEY* key) {
  if (!key) throw std::runtime_error("key generation failed");
  return KeyHandle(key, [](EVP_PKEY* p) { EVP_PKEY_free(p); });
}

struct BenchFixture {
  KeyHandle rsa = keygen(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t{2048}));
  KeyHandle ec = keygen(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  KeyHandle ed = keygen(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"));
  std::shared_ptr<const IdentityConfig> config;
  std::chrono::system_clock::time_point now = std::chrono::system_clock::now();

  BenchFixture() {
    const auto dir = std::filesystem::temp_directory_path() / "bronpoort-bench-authenticate";
    std::filesystem::create_directories(dir);
    json jwks = {{"keys",
                  {public_jwk(rsa.get(), "rsa-1"), public_jwk(ec.get(), "ec-1"),
                   public_jwk(ed.get(), "ed-1")}}};
    std::ofstream(dir / "idp.jwks.json") << jwks.dump();
    json section = {{"issuers",
                     {{{"issuer", kIssuer},
                       {"audience", "bronpoort"},
                       {"jwks", "idp.jwks.json"},
                       {"algorithms", {"EdDSA", "ES256", "RS256"}}}}}};
    auto loaded = load_config(section, dir);
    std::filesystem::remove_all(dir);
    if (!std::holds_alternative<std::shared_ptr<const IdentityConfig>>(loaded)) {
      throw std::runtime_error("bench config did not load");
    }
    config = std::get<std::shared_ptr<const IdentityConfig>>(loaded);
  }

  std::string token(Algorithm alg) const {
    const auto t = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
    // A realistic access token: the claims Bronpoort reads plus a few an IdP usually adds.
    json claims = {{"iss", kIssuer},
                   {"aud", "bronpoort"},
                   {"sub", "user-42"},
                   {"org", "00000001234567890000"},
                   {"roles", {"case-worker", "analyst"}},
                   {"purposes", {"bijstand-intake", "bijstand-herbeoordeling"}},
                   {"iat", t},
                   {"nbf", t},
                   {"exp", t + 3600},
                   {"jti", "8f0c1e6a-3b2d-4c55-9a7e-2f1d0b9c4e11"}};
    const char* kid = alg == Algorithm::RS256 ? "rsa-1" : alg == Algorithm::ES256 ? "ec-1" : "ed-1";
    EVP_PKEY* key = alg == Algorithm::RS256   ? rsa.get()
                    : alg == Algorithm::ES256 ? ec.get()
                                              : ed.get();
    json header = {{"alg", algorithm_name(alg)}, {"typ", "JWT"}, {"kid", kid}};
    const std::string input =
        base64url_encode(header.dump()) + "." + base64url_encode(claims.dump());
    return input + "." + base64url_encode(sign(alg, key, input));
  }
};

const BenchFixture& fixture() {
  static const BenchFixture f;
  return f;
}

void BM_VerifyToken(benchmark::State& state, Algorithm alg) {
  const auto& f = fixture();
  const std::string token = f.token(alg);
  for (auto _ : state) {
    auto result = verify_token(token, *f.config, f.now);
    if (!std::holds_alternative<VerifiedToken>(result)) state.SkipWithError("token refused");
    benchmark::DoNotOptimize(result);
  }
  state.counters["token_bytes"] = static_cast<double>(token.size());
}
BENCHMARK_CAPTURE(BM_VerifyToken, EdDSA, Algorithm::EdDSA)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_VerifyToken, ES256, Algorithm::ES256)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_VerifyToken, RS256, Algorithm::RS256)->Unit(benchmark::kMicrosecond);

// The stage as the pipeline runs it: Authorization header to ctx.identity.
void BM_AuthenticateStage(benchmark::State& state, Algorithm alg) {
  const auto& f = fixture();
  auto stage = make_stage(f.config, [&f] { return f.now; });
  const std::string header = "Bearer " + f.token(alg);
  for (auto _ : state) {
    RequestContext ctx;
    ctx.request.headers.add("Authorization", header);
    stage->run(ctx, [&](Flow flow) {
      if (flow != Flow::Continue) state.SkipWithError("stage refused");
    });
    benchmark::DoNotOptimize(ctx.identity);
  }
}
BENCHMARK_CAPTURE(BM_AuthenticateStage, EdDSA, Algorithm::EdDSA)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_AuthenticateStage, ES256, Algorithm::ES256)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_AuthenticateStage, RS256, Algorithm::RS256)->Unit(benchmark::kMicrosecond);

// A token with an altered signature costs a full signature check; an alg-none token is refused at
// the header.
void BM_RefuseTampered(benchmark::State& state) {
  const auto& f = fixture();
  std::string token = f.token(Algorithm::EdDSA);
  char& c = token[token.size() - 10];  // one signature character, still valid base64url
  c = c == 'A' ? 'B' : 'A';
  for (auto _ : state) benchmark::DoNotOptimize(verify_token(token, *f.config, f.now));
}
BENCHMARK(BM_RefuseTampered)->Unit(benchmark::kMicrosecond);

void BM_RefuseAlgNone(benchmark::State& state) {
  const auto& f = fixture();
  const std::string token =
      base64url_encode(R"({"alg":"none"})") + "." + base64url_encode(R"({"iss":"x"})") + ".";
  for (auto _ : state) benchmark::DoNotOptimize(verify_token(token, *f.config, f.now));
}
BENCHMARK(BM_RefuseAlgNone)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace bronpoort::authenticate
