// libFuzzer target for the authenticate stage. Half the inputs are used as the raw Authorization
// header; the other half are split into a header and a payload that the fuzzer's own trusted key
// signs, so the claims checks behind the signature are explored too. Must never crash, hang or
// accept a token without a complete identity.

#include <bronpoort/authenticate/base64url.hpp>
#include <bronpoort/authenticate/config.hpp>
#include <bronpoort/authenticate/jwk_export.hpp>
#include <bronpoort/authenticate/jws_signature.hpp>
#include <bronpoort/authenticate/stage.hpp>

#include <openssl/evp.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace {

using namespace bronpoort;
using namespace bronpoort::authenticate;

struct FuzzSetup {
  KeyHandle key{EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"),
                [](EVP_PKEY* p) { EVP_PKEY_free(p); }};
  std::shared_ptr<const Stage> stage;

  FuzzSetup() {
    const auto dir = std::filesystem::temp_directory_path() / "bronpoort-fuzz-authenticate";
    std::filesystem::create_directories(dir);
    std::ofstream(dir / "k.jwks.json")
        << nlohmann::json{{"keys", {public_jwk(key.get(), "k")}}}.dump();
    nlohmann::json section = {{"issuers",
                               {{{"issuer", "i"},
                                 {"audience", "a"},
                                 {"jwks", "k.jwks.json"},
                                 {"algorithms", {"EdDSA"}}}}}};
    auto loaded = load_config(section, dir);
    if (!std::holds_alternative<std::shared_ptr<const IdentityConfig>>(loaded)) std::abort();
    stage = make_stage(std::get<std::shared_ptr<const IdentityConfig>>(loaded), [] {
      return std::chrono::system_clock::time_point(std::chrono::seconds(1000));
    });
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const FuzzSetup setup;
  if (size == 0) return 0;
  std::string input(reinterpret_cast<const char*>(data) + 1, size - 1);
  std::string authorization;
  if (data[0] & 1) {
    // Sign "header JSON \0 payload JSON" with the trusted key.
    const auto nul = input.find('\0');
    const std::string header = input.substr(0, nul);
    const std::string payload = nul == std::string::npos ? "" : input.substr(nul + 1);
    const std::string signing_input = base64url_encode(header) + "." + base64url_encode(payload);
    authorization = "Bearer " + signing_input + "." +
                    base64url_encode(sign(Algorithm::EdDSA, setup.key.get(), signing_input));
  } else {
    authorization = input;
  }
  RequestContext ctx;
  ctx.request.headers.add("Authorization", authorization);
  setup.stage->run(ctx, [](Flow) {});
  if (!ctx.refused()) {
    if (!ctx.identity.authenticated || ctx.identity.organisation.size() != 20 ||
        ctx.identity.roles.empty() || ctx.identity.issuer != "i") {
      std::abort();
    }
  } else if (ctx.problem->status != 401 || ctx.problem->code.empty()) {
    std::abort();
  }
  return 0;
}
