#include <bronpoort/processing_log/config.hpp>

#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>

namespace bronpoort::processing_log {
namespace {

class SectionReader {
 public:
  SectionReader(const nlohmann::json& j, std::string pointer, std::string file,
                ConfigErrors& errors)
      : j_(j), pointer_(std::move(pointer)), file_(std::move(file)), errors_(errors) {}

  bool is_object() {
    if (j_.is_object()) return true;
    error("", "must be an object");
    return false;
  }
  void error(const std::string& key, const std::string& reason) {
    errors_.push_back({file_, pointer_ + (key.empty() ? "" : "/" + key), reason});
  }
  void reject_unknown(const std::set<std::string>& known) {
    for (const auto& [key, value] : j_.items()) {
      if (!known.count(key)) error(key, "unknown key");
    }
  }
  std::string text(const std::string& key, std::string fallback, bool required = false) {
    if (!j_.contains(key)) {
      if (required) error(key, "is required");
      return fallback;
    }
    if (!j_[key].is_string() || j_[key].get<std::string>().empty()) {
      error(key, "must be a non-empty string");
      return fallback;
    }
    return j_[key].get<std::string>();
  }
  std::int64_t number(const std::string& key, std::int64_t fallback, std::int64_t min,
                      std::int64_t max) {
    if (!j_.contains(key)) return fallback;
    if (!j_[key].is_number_integer() || j_[key].get<std::int64_t>() < min ||
        j_[key].get<std::int64_t>() > max) {
      error(key, "must be an integer from " + std::to_string(min) + " to " + std::to_string(max));
      return fallback;
    }
    return j_[key].get<std::int64_t>();
  }

 private:
  const nlohmann::json& j_;
  std::string pointer_;
  std::string file_;
  ConfigErrors& errors_;
};

std::filesystem::path resolve(const std::filesystem::path& base, const std::string& p) {
  std::filesystem::path path(p);
  return path.is_absolute() ? path : base / path;
}

void load_store(const nlohmann::json& j, const std::filesystem::path& base, const std::string& file,
                StoreConfig& out, ConfigErrors& errors) {
  SectionReader r(j, "/store", file, errors);
  if (!r.is_object()) return;
  r.reject_unknown({"kind", "path", "dsn", "migrationDsn"});
  std::string kind = r.text("kind", "sqlite", true);
  if (kind == "sqlite") {
    out.kind = StoreConfig::Kind::Sqlite;
    out.sqlite_path = resolve(base, r.text("path", "var/bronpoort.db", true)).string();
    if (j.contains("dsn")) r.error("dsn", "only for kind postgres");
  } else if (kind == "postgres") {
    out.kind = StoreConfig::Kind::Postgres;
    out.postgres_dsn = r.text("dsn", "", true);
    out.postgres_migration_dsn = r.text("migrationDsn", "");
    if (j.contains("path")) r.error("path", "only for kind sqlite");
  } else {
    r.error("kind", "must be \"sqlite\" or \"postgres\"");
  }
}

// The Merkle tree's checkpoint notes and the witnesses (docs/verifiable-log.md).
void load_tree_settings(const nlohmann::json& section, const std::filesystem::path& base,
                        const std::string& file, KeyUse use, ProcessingLogConfig& config,
                        ConfigErrors& errors) {
  SectionReader r(section, "/processingLog", file, errors);
  config.origin_prefix = r.text("checkpointOrigin", config.origin_prefix);
  config.writer.origin = config.origin_prefix + "/" + config.writer.chain_id;
  std::string error;
  if (std::string path = r.text("checkpointKeyFile", ""); !path.empty() && use == KeyUse::Write) {
    config.writer.note_signer =
        NoteSigner::from_pem_file(resolve(base, path), config.origin_prefix, error);
    if (!config.writer.note_signer) r.error("checkpointOrigin", error);
  }
  if (std::string path = r.text("checkpointPublicKeyFile", ""); !path.empty()) {
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
    SectionReader w(list[i], "/processingLog/witnesses/" + std::to_string(i), file, errors);
    if (!w.is_object()) continue;
    w.reject_unknown({"name", "url", "publicKeyFile"});
    WitnessConfig witness;
    witness.name = w.text("name", "", true);
    witness.url = w.text("url", "", true);
    if (!witness.url.empty() && witness.url.rfind("http://", 0) != 0) {
      w.error("url", "must start with http:// (the witness protocol is plain HTTP here)");
    }
    std::string key = w.text("publicKeyFile", "", true);
    if (!key.empty() && !witness.name.empty()) {
      witness.verifier = NoteVerifier::from_pem_file(resolve(base, key), witness.name, error);
      if (!witness.verifier) w.error("publicKeyFile", error);
    }
    config.witnesses.push_back(std::move(witness));
  }
}

}  // namespace

std::variant<ProcessingLogConfig, ConfigErrors> load_config(const nlohmann::json& section,
                                                            const nlohmann::json& store_section,
                                                            const std::filesystem::path& base_dir,
                                                            const std::string& file, KeyUse use) {
  ConfigErrors errors;
  ProcessingLogConfig config;
  load_store(store_section, base_dir, file, config.store, errors);

  SectionReader r(section, "/processingLog", file, errors);
  if (!r.is_object()) return errors;
  r.reject_unknown({"chainId", "chainIdEnv", "pseudonymKeyId", "pseudonymKeyEnv",
                    "pseudonymKeyFile", "checkpointKeyFile", "checkpointKeyId",
                    "checkpointPublicKeyFile", "maxBatchRecords", "maxWaitMicros",
                    "commitTimeoutMs", "checkpointEveryRecords", "checkpointEverySeconds",
                    "maxPageSize", "checkpointOrigin", "witnesses"});

  config.writer.chain_id = r.text("chainId", "gateway-1");
  // Several instances may share one gateway.json; each takes its own chain id from the
  // environment so that their chains never interleave.
  if (std::string env = r.text("chainIdEnv", ""); !env.empty()) {
    if (const char* v = std::getenv(env.c_str()); v && *v) config.writer.chain_id = v;
  }
  config.writer.max_batch_records =
      static_cast<std::size_t>(r.number("maxBatchRecords", 512, 1, 10000));
  config.writer.max_wait = std::chrono::microseconds(r.number("maxWaitMicros", 0, 0, 1000000));
  config.commit_timeout = std::chrono::milliseconds(r.number("commitTimeoutMs", 2000, 1, 600000));
  config.writer.checkpoint_every_records = r.number("checkpointEveryRecords", 1000, 1, 100000000);
  config.writer.checkpoint_every =
      std::chrono::milliseconds(r.number("checkpointEverySeconds", 60, 1, 86400) * 1000);
  config.max_page_size = static_cast<int>(r.number("maxPageSize", 500, 1, 10000));

  config.pseudonym_key_id = r.text("pseudonymKeyId", "", use == KeyUse::Write);
  std::string key_env = r.text("pseudonymKeyEnv", "BRONPOORT_PSEUDONYM_KEY");
  std::string key_file = r.text("pseudonymKeyFile", "");
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

  if (std::string path = r.text("checkpointKeyFile", ""); !path.empty() && use == KeyUse::Write) {
    std::string error;
    auto signer = CheckpointSigner::from_pem_file(resolve(base_dir, path),
                                                  r.text("checkpointKeyId", "default"), error);
    if (!signer) r.error("checkpointKeyFile", error);
    config.signer = std::move(signer);
  }
  if (std::string path = r.text("checkpointPublicKeyFile", ""); !path.empty()) {
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
