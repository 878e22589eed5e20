#include <bronpoort/authenticate/config.hpp>
#include <bronpoort/authenticate/identity_claims.hpp>

#include "jwks.hpp"
#include "openssl_handles.hpp"
#include "strict_json.hpp"

#include <openssl/pem.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

namespace bronpoort::authenticate {
namespace {

using nlohmann::json;

constexpr std::int64_t kMaxLeewaySeconds = 300;
constexpr std::int64_t kMinTokenBytes = 512;
constexpr std::int64_t kMaxTokenBytes = 64 * 1024;

// Reports errors in gateway.json under one JSON pointer prefix.
struct Reporter {
  const std::string& file;
  ConfigErrors& errors;
  void add(const std::string& pointer, std::string reason) {
    errors.push_back({file, pointer, std::move(reason)});
  }
  // Refuses members outside `known`: a misspelt option must not be silently ignored.
  void only_known(const json& object, const std::string& pointer,
                  std::initializer_list<std::string_view> known) {
    for (const auto& [name, value] : object.items()) {
      if (std::find(known.begin(), known.end(), name) == known.end()) {
        add(pointer + "/" + name, "unknown member");
      }
    }
  }
  std::optional<std::string> string(const json& object, const std::string& pointer,
                                    const char* name) {
    auto it = object.find(name);
    if (it == object.end() || !it->is_string() || it->get_ref<const std::string&>().empty()) {
      add(pointer + "/" + name, "is required and must be a non-empty string");
      return std::nullopt;
    }
    return it->get<std::string>();
  }
  std::optional<std::int64_t> integer(const json& object, const std::string& pointer,
                                      const char* name, std::int64_t min, std::int64_t max) {
    auto it = object.find(name);
    if (it == object.end()) return std::nullopt;
    if (!it->is_number_integer() || it->get<std::int64_t>() < min ||
        it->get<std::int64_t>() > max) {
      add(pointer + "/" + name,
          "must be an integer from " + std::to_string(min) + " to " + std::to_string(max));
      return std::nullopt;
    }
    return it->get<std::int64_t>();
  }
};

std::string display_path(const std::filesystem::path& base_dir, const std::string& relative) {
  return (base_dir / relative).lexically_normal().string();
}

std::vector<Algorithm> parse_algorithms(const json& issuer, const std::string& pointer,
                                        Reporter& report) {
  std::vector<Algorithm> algs;
  auto it = issuer.find("algorithms");
  if (it == issuer.end() || !it->is_array() || it->empty()) {
    report.add(pointer + "/algorithms",
               "is required: a non-empty array of \"EdDSA\", \"ES256\" and/or \"RS256\"");
    return algs;
  }
  for (std::size_t i = 0; i < it->size(); ++i) {
    const json& name = (*it)[i];
    const std::string at = pointer + "/algorithms/" + std::to_string(i);
    if (!name.is_string() || !algorithm_from_name(name.get_ref<const std::string&>())) {
      report.add(at, "must be \"EdDSA\", \"ES256\" or \"RS256\" (HMAC and \"none\" are refused)");
      continue;
    }
    const Algorithm alg = *algorithm_from_name(name.get_ref<const std::string&>());
    if (std::find(algs.begin(), algs.end(), alg) != algs.end()) {
      report.add(at, "is listed twice");
    } else {
      algs.push_back(alg);
    }
  }
  return algs;
}

// An optional list of distinct names, each checked by `valid`.
std::vector<std::string> parse_remit(const json& entry, const std::string& pointer, const char* key,
                                     Reporter& report, bool (*valid)(std::string_view),
                                     const char* what) {
  std::vector<std::string> out;
  auto it = entry.find(key);
  if (it == entry.end()) return out;
  const std::string at = pointer + "/" + key;
  if (!it->is_array() || it->empty()) {
    report.add(at, "must be a non-empty array; leave it out to allow any");
    return out;
  }
  for (std::size_t i = 0; i < it->size(); ++i) {
    const auto& v = (*it)[i];
    if (!v.is_string() || !valid(v.get_ref<const std::string&>())) {
      report.add(at + "/" + std::to_string(i), std::string("must be ") + what);
    } else if (std::find(out.begin(), out.end(), v.get<std::string>()) != out.end()) {
      report.add(at + "/" + std::to_string(i), "is listed twice");
    } else {
      out.push_back(v.get<std::string>());
    }
  }
  return out;
}

std::optional<TrustedIssuer> parse_issuer(const json& entry, const std::string& pointer,
                                          const std::filesystem::path& base_dir, Reporter& report) {
  if (!entry.is_object()) {
    report.add(pointer, "must be an object with issuer, audience, jwks and algorithms");
    return std::nullopt;
  }
  const std::size_t before = report.errors.size();
  report.only_known(entry, pointer,
                    {"issuer", "audience", "jwks", "algorithms", "organisations", "roles"});
  TrustedIssuer issuer;
  auto iss = report.string(entry, pointer, "issuer");
  auto aud = report.string(entry, pointer, "audience");
  auto jwks = report.string(entry, pointer, "jwks");
  issuer.algorithms = parse_algorithms(entry, pointer, report);
  issuer.organisations =
      parse_remit(entry, pointer, "organisations", report, &is_oin, "an OIN: 20 digits");
  issuer.roles = parse_remit(entry, pointer, "roles", report, &is_claim_name, "a role name");
  if (report.errors.size() != before || !iss || !aud || !jwks) return std::nullopt;
  issuer.issuer = *iss;
  issuer.audience = *aud;
  issuer.jwks_file = display_path(base_dir, *jwks);
  auto loaded = load_jwks_file(base_dir / *jwks, issuer.jwks_file);
  report.errors.insert(report.errors.end(), loaded.errors.begin(), loaded.errors.end());
  if (!loaded.errors.empty()) return std::nullopt;
  for (const auto& key : loaded.keys) {
    if (!issuer.allows(key.algorithm)) {
      // Not an error: an IdP's JWKS may publish keys for algorithms we chose not to accept.
      continue;
    }
    issuer.keys.push_back(key);
  }
  if (issuer.keys.empty()) {
    report.add(pointer + "/jwks", "holds no key for any algorithm in \"algorithms\"");
    return std::nullopt;
  }
  return issuer;
}

KeyHandle read_private_key(const std::filesystem::path& path) {
  std::unique_ptr<FILE, int (*)(FILE*)> file(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!file) return nullptr;
  EVP_PKEY* key = PEM_read_PrivateKey(file.get(), nullptr, nullptr, nullptr);
  return key ? share_key(OpenSslPtr<EVP_PKEY>(key)) : nullptr;
}

std::optional<DemoIssuer> parse_demo_issuer(const json& entry, const std::string& pointer,
                                            const std::filesystem::path& base_dir,
                                            const std::vector<TrustedIssuer>& issuers,
                                            Reporter& report) {
  if (!entry.is_object()) {
    report.add(pointer, "must be an object with issuer, privateKey and kid");
    return std::nullopt;
  }
  const std::size_t before = report.errors.size();
  report.only_known(entry, pointer, {"issuer", "privateKey", "kid"});
  auto iss = report.string(entry, pointer, "issuer");
  auto key_file = report.string(entry, pointer, "privateKey");
  auto kid = report.string(entry, pointer, "kid");
  if (report.errors.size() != before || !iss || !key_file || !kid) return std::nullopt;
  auto trusted = std::find_if(issuers.begin(), issuers.end(),
                              [&](const TrustedIssuer& t) { return t.issuer == *iss; });
  if (trusted == issuers.end()) {
    report.add(pointer + "/issuer",
               "must be one of the issuers in /issuers, or its tokens "
               "would not verify");
    return std::nullopt;
  }
  const VerificationKey* public_key = trusted->find_key(*kid);
  if (!public_key || public_key->algorithm != Algorithm::EdDSA) {
    report.add(pointer + "/kid", "must name an Ed25519 key in " + trusted->jwks_file);
    return std::nullopt;
  }
  KeyHandle private_key = read_private_key(base_dir / *key_file);
  if (!private_key || !EVP_PKEY_is_a(private_key.get(), "ED25519")) {
    report.add(pointer + "/privateKey", "cannot be read as an Ed25519 private key in PEM: " +
                                            display_path(base_dir, *key_file));
    return std::nullopt;
  }
  if (EVP_PKEY_eq(private_key.get(), public_key->key.get()) != 1) {
    report.add(pointer + "/privateKey",
               "does not match the public key \"" + *kid + "\" in " + trusted->jwks_file);
    return std::nullopt;
  }
  return DemoIssuer{*iss, trusted->audience, *kid, private_key};
}

}  // namespace

const char* algorithm_name(Algorithm alg) {
  switch (alg) {
    case Algorithm::RS256:
      return "RS256";
    case Algorithm::ES256:
      return "ES256";
    case Algorithm::EdDSA:
      return "EdDSA";
  }
  return "?";
}

std::optional<Algorithm> algorithm_from_name(std::string_view name) {
  if (name == "RS256") return Algorithm::RS256;
  if (name == "ES256") return Algorithm::ES256;
  if (name == "EdDSA") return Algorithm::EdDSA;
  return std::nullopt;
}

const VerificationKey* TrustedIssuer::find_key(std::string_view kid) const {
  for (const auto& key : keys) {
    if (key.kid == kid) return &key;
  }
  return nullptr;
}

bool TrustedIssuer::allows(Algorithm alg) const {
  return std::find(algorithms.begin(), algorithms.end(), alg) != algorithms.end();
}

std::optional<std::string> TrustedIssuer::outside_remit(
    const std::string& organisation, const std::vector<std::string>& token_roles) const {
  if (!organisations.empty() &&
      std::find(organisations.begin(), organisations.end(), organisation) == organisations.end()) {
    return "The issuer " + issuer + " may not speak for organisation " + organisation +
           "; use a token from your own organisation's identity provider.";
  }
  if (!roles.empty()) {
    for (const auto& role : token_roles) {
      if (std::find(roles.begin(), roles.end(), role) == roles.end()) {
        return "The issuer " + issuer + " may not grant role " + role +
               "; ask the identity provider that may assign it for a token.";
      }
    }
  }
  return std::nullopt;
}

std::vector<std::string> identity_warnings(const IdentityConfig& config, bool loopback_only) {
  std::vector<std::string> out;
  for (const auto& issuer : config.issuers) {
    const bool demo_keys =
        std::filesystem::path(issuer.jwks_file).filename().string().rfind("demo-", 0) == 0;
    if (!loopback_only && (demo_keys || config.demo_issuer)) {
      out.push_back("DEMO KEYS TRUSTED ON A NON-LOOPBACK LISTENER: issuer " + issuer.issuer + " (" +
                    issuer.jwks_file +
                    ") verifies tokens signed with a private key committed to the repository; "
                    "anyone can mint any identity. Use your own identity provider's JWKS.");
    }
    if (issuer.organisations.empty()) {
      out.push_back("issuer " + issuer.issuer +
                    " may assert any organisation: list the OINs it speaks for in "
                    "\"organisations\"");
    }
  }
  return out;
}

const TrustedIssuer* IdentityConfig::find_issuer(std::string_view iss) const {
  for (const auto& issuer : issuers) {
    if (issuer.issuer == iss) return &issuer;
  }
  return nullptr;
}

LoadResult load_config(const json& section, const std::filesystem::path& base_dir,
                       const std::string& config_file, const std::string& section_pointer) {
  ConfigErrors errors;
  Reporter report{config_file, errors};
  if (!section.is_object()) {
    report.add(section_pointer, "must be an object with \"issuers\"");
    return errors;
  }
  report.only_known(section, section_pointer,
                    {"issuers", "leewaySeconds", "maxTokenBytes", "demoIssuer"});
  auto config = std::make_shared<IdentityConfig>();
  if (auto v = report.integer(section, section_pointer, "leewaySeconds", 0, kMaxLeewaySeconds)) {
    config->leeway = std::chrono::seconds(*v);
  }
  if (auto v = report.integer(section, section_pointer, "maxTokenBytes", kMinTokenBytes,
                              kMaxTokenBytes)) {
    config->max_token_bytes = static_cast<std::size_t>(*v);
  }
  auto issuers = section.find("issuers");
  // Without issuers no token verifies: the gateway then serves only routes that need none. That
  // fails closed, and it lets a config without an identity section start.
  if (issuers != section.end() && !issuers->is_array()) {
    report.add(section_pointer + "/issuers", "must be an array of trusted issuers");
  } else if (issuers != section.end()) {
    std::set<std::string, std::less<>> seen;
    for (std::size_t i = 0; i < issuers->size(); ++i) {
      const std::string pointer = section_pointer + "/issuers/" + std::to_string(i);
      auto issuer = parse_issuer((*issuers)[i], pointer, base_dir, report);
      if (!issuer) continue;
      if (!seen.insert(issuer->issuer).second) {
        report.add(pointer + "/issuer", "is configured twice");
        continue;
      }
      config->issuers.push_back(std::move(*issuer));
    }
  }
  if (auto demo = section.find("demoIssuer"); demo != section.end() && errors.empty()) {
    config->demo_issuer = parse_demo_issuer(*demo, section_pointer + "/demoIssuer", base_dir,
                                            config->issuers, report);
  }
  if (!errors.empty()) return errors;
  return std::shared_ptr<const IdentityConfig>(std::move(config));
}

LoadResult load_config_file(const std::filesystem::path& gateway_config) {
  const std::string file = gateway_config.string();
  std::ifstream in(gateway_config, std::ios::binary);
  if (!in) return ConfigErrors{{file, "", "cannot be read"}};
  std::ostringstream text;
  text << in.rdbuf();
  auto parsed = parse_strict_json(text.str(), 64);
  if (!parsed.ok()) return ConfigErrors{{file, "", parsed.error}};
  if (!parsed.value.is_object()) return ConfigErrors{{file, "", "must be a JSON object"}};
  auto section = parsed.value.find("identity");
  const nlohmann::json empty = nlohmann::json::object();
  return load_config(section == parsed.value.end() ? empty : *section, gateway_config.parent_path(),
                     file, "/identity");
}

}  // namespace bronpoort::authenticate
