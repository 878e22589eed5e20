#include <bronpoort/common/json_reader.hpp>
#include <bronpoort/core/result.hpp>
#include <bronpoort/processing_log/config.hpp>

#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>

namespace bronpoort::processing_log {
namespace {

using common::JsonReader;

// An optional non-empty string, or `fallback` when it is absent or wrong (the error is recorded).
std::string text_or(JsonReader& r, const std::string& key, std::string fallback,
                    bool required = false) {
  return r.text(key, required).value_or(std::move(fallback));
}

std::filesystem::path resolve(const std::filesystem::path& base, const std::string& p) {
  std::filesystem::path path(p);
  return path.is_absolute() ? path : base / path;
}

// The Merkle tree's checkpoint notes and the witnesses (docs/verifiable-log.md).
void load_tree_settings(const nlohmann::json& section, const std::filesystem::path& base,
                        const std::string& file, KeyUse use, ProcessingLogConfig& config,
                        ConfigErrors& errors) {
  JsonReader r(section, file, "/processingLog", errors);
  config.origin_prefix = text_or(r, "checkpointOrigin", config.origin_prefix);
  config.writer.origin = config.origin_prefix + "/" + config.writer.chain_id;
  std::string error;
  if (std::string path = text_or(r, "checkpointKeyFile", "");
      !path.empty() && use == KeyUse::Write) {
    config.writer.note_signer =
        NoteSigner::from_pem_file(resolve(base, path), config.origin_prefix, error);
    if (!config.writer.note_signer) r.error("checkpointOrigin", error);
  }
  if (std::string path = text_or(r, "checkpointPublicKeyFile", ""); !path.empty()) {
    config.note_verifier =
        NoteVerifier::from_pem_file(resolve(base, path), config.origin_prefix, error);
  } else if (config.writer.note_signer) {
    config.note_verifier = NoteVerifier::from_pem(config.writer.note_signer->public_key_pem(),
                                                  config.origin_prefix, error);
  }
  if (!section.contains("witnesses")) return;
  const auto& list = section["witnesses"];
  if (!list.is_array()) {
    r.error("witnesses", "must be an array");
    return;
  }
  for (std::size_t i = 0; i < list.size(); ++i) {
    JsonReader w(list[i], file, "/processingLog/witnesses/" + std::to_string(i), errors);
    if (!w.is_object()) continue;
    w.reject_unknown({"name", "url", "publicKeyFile"});
    WitnessConfig witness;
    witness.name = text_or(w, "name", "", true);
    witness.url = text_or(w, "url", "", true);
    if (!witness.url.empty() && witness.url.rfind("http://", 0) != 0) {
      w.error("url", "must start with http:// (the witness protocol is plain HTTP here)");
    }
    std::string key = text_or(w, "publicKeyFile", "", true);
    if (!key.empty() && !witness.name.empty()) {
      witness.verifier = NoteVerifier::from_pem_file(resolve(base, key), witness.name, error);
      if (!witness.verifier) w.error("publicKeyFile", error);
    }
    config.witnesses.push_back(std::move(witness));
  }
}

}  // namespace

Result<ProcessingLogConfig, ConfigErrors> load_config(const nlohmann::json& section,
                                                      const nlohmann::json& store_section,
                                                      const std::filesystem::path& base_dir,
                                                      const std::string& file, KeyUse use) {
  ConfigErrors errors;
  ProcessingLogConfig config;
  if (auto store = common::read_store_config(store_section, base_dir, file, errors)) {
    config.store = std::move(*store);
  }

  JsonReader r(section, file, "/processingLog", errors);
  if (!r.is_object()) return errors;
  r.reject_unknown({"chainId", "chainIdEnv", "pseudonymKeyId", "pseudonymKeyEnv",
                    "pseudonymKeyFile", "checkpointKeyFile", "checkpointKeyId",
                    "checkpointPublicKeyFile", "maxBatchRecords", "maxWaitMicros",
                    "commitTimeoutMs", "checkpointEveryRecords", "checkpointEverySeconds",
                    "maxPageSize", "checkpointOrigin", "witnesses"});

  config.writer.chain_id = text_or(r, "chainId", "gateway-1");
  // Several instances may share one gateway.json; each takes its own chain id from the
  // environment so that their chains never interleave.
  if (std::string env = text_or(r, "chainIdEnv", ""); !env.empty()) {
    if (const char* v = std::getenv(env.c_str()); v && *v) config.writer.chain_id = v;
  }
  config.writer.max_batch_records =
      static_cast<std::size_t>(r.integer("maxBatchRecords", false, 1, 10000).value_or(512));
  config.writer.max_wait =
      std::chrono::microseconds(r.integer("maxWaitMicros", false, 0, 1000000).value_or(0));
  config.commit_timeout =
      std::chrono::milliseconds(r.integer("commitTimeoutMs", false, 1, 600000).value_or(2000));
  config.writer.checkpoint_every_records =
      r.integer("checkpointEveryRecords", false, 1, 100000000).value_or(1000);
  config.writer.checkpoint_every = std::chrono::milliseconds(
      r.integer("checkpointEverySeconds", false, 1, 86400).value_or(60) * 1000);
  config.max_page_size = static_cast<int>(r.integer("maxPageSize", false, 1, 10000).value_or(500));

  config.pseudonym_key_id = text_or(r, "pseudonymKeyId", "", use == KeyUse::Write);
  std::string key_env = text_or(r, "pseudonymKeyEnv", "BRONPOORT_PSEUDONYM_KEY");
  std::string key_file = text_or(r, "pseudonymKeyFile", "");
  const char* env_key = std::getenv(key_env.c_str());
  if (use == KeyUse::VerifyOnly) {
    // Verification never pseudonymises; the key stays where it is.
  } else if (env_key && *env_key) {
    config.pseudonym_key = env_key;
  } else if (!key_file.empty()) {
    std::ifstream in(resolve(base_dir, key_file), std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    config.pseudonym_key = ss.str();
    while (!config.pseudonym_key.empty() &&
           (config.pseudonym_key.back() == '\n' || config.pseudonym_key.back() == '\r')) {
      config.pseudonym_key.pop_back();
    }
    if (!in) r.error("pseudonymKeyFile", "cannot read " + resolve(base_dir, key_file).string());
  } else {
    r.error("pseudonymKeyEnv",
            "environment variable " + key_env + " is not set and no pseudonymKeyFile is given");
  }
  if (!config.pseudonym_key.empty() && config.pseudonym_key.size() < 32) {
    r.error(key_file.empty() ? "pseudonymKeyEnv" : "pseudonymKeyFile",
            "the pseudonym key must be at least 32 bytes");
  }

  if (std::string path = text_or(r, "checkpointKeyFile", "");
      !path.empty() && use == KeyUse::Write) {
    std::string error;
    auto signer = CheckpointSigner::from_pem_file(resolve(base_dir, path),
                                                  text_or(r, "checkpointKeyId", "default"), error);
    if (!signer) r.error("checkpointKeyFile", error);
    config.signer = std::move(signer);
  }
  if (std::string path = text_or(r, "checkpointPublicKeyFile", ""); !path.empty()) {
    std::string error;
    auto verifier = CheckpointVerifier::from_pem_file(resolve(base_dir, path), error);
    if (!verifier) r.error("checkpointPublicKeyFile", error);
    config.verifier = std::move(verifier);
  } else if (config.signer) {
    std::string error;
    config.verifier = CheckpointVerifier::from_pem(config.signer->public_key_pem(), error);
  }
  load_tree_settings(section, base_dir, file, use, config, errors);
  if (!errors.empty()) return errors;
  return config;
}

}  // namespace bronpoort::processing_log
