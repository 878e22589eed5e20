#pragma once
// The processing log's configuration: the `processingLog` and `store` sections of gateway.json,
// parsed and checked once. Key material is loaded here so that check-config reports a bad key.
//
//   "store": {"kind": "sqlite", "path": "var/bronpoort.db"}
//          | {"kind": "postgres", "dsn": "host=... user=...", "migrationDsn": "..."}
//   "processingLog": {
//     "chainId": "gateway-1", "chainIdEnv": "BRONPOORT_LOG_CHAIN_ID",
//     "pseudonymKeyId": "demo-2026", "pseudonymKeyEnv": "BRONPOORT_PSEUDONYM_KEY",
//     "pseudonymKeyFile": "keys/demo-pseudonym.key",
//     "checkpointKeyFile": "keys/demo-log-checkpoint-ed25519.pem", "checkpointKeyId": "demo",
//     "checkpointPublicKeyFile": "keys/demo-log-checkpoint-ed25519.pub.pem",
//     "maxBatchRecords": 512, "maxWaitMicros": 500, "commitTimeoutMs": 2000,
//     "checkpointEveryRecords": 1000, "checkpointEverySeconds": 60, "maxPageSize": 500,
//     "checkpointOrigin": "bronpoort.example/processing-log",
//     "witnesses": [{"name": "witness.example/w1", "url": "http://127.0.0.1:8091",
//                    "publicKeyFile": "keys/demo-witness-ed25519.pub.pem"}]}

#include <bronpoort/core/config_error.hpp>
#include <bronpoort/core/result.hpp>
#include <bronpoort/processing_log/checkpoint.hpp>
#include <bronpoort/processing_log/group_commit_writer.hpp>
#include <bronpoort/processing_log/log_store.hpp>
#include <bronpoort/processing_log/signed_note.hpp>

#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <variant>

namespace bronpoort::processing_log {

// A witness the gateway pushes its checkpoints to and verify-log asks.
struct WitnessConfig {
  std::string name;  // the witness's key name
  std::string url;   // http://host:port
  std::shared_ptr<const NoteVerifier> verifier;
};

struct ProcessingLogConfig {
  common::StoreConfig store;
  WriterOptions writer;  // includes the chain id
  std::chrono::milliseconds commit_timeout{2000};
  std::string pseudonym_key;  // secret; never logged
  std::string pseudonym_key_id;
  std::shared_ptr<const CheckpointSigner> signer;      // null: no checkpoints written
  std::shared_ptr<const CheckpointVerifier> verifier;  // null: signatures cannot be checked
  int max_page_size = 500;
  // The Merkle tree's checkpoints: origin "<checkpointOrigin>/<chainId>", signed by the checkpoint
  // key under the name checkpointOrigin (docs/verifiable-log.md).
  std::string origin_prefix = "bronpoort.local/processing-log";
  std::shared_ptr<const NoteVerifier> note_verifier;  // null without a public key
  std::vector<WitnessConfig> witnesses;
};

// Whether the secrets for writing are needed: `verify-log` run by an auditor only needs the store
// and the checkpoint public key, not the pseudonym key or the signing key.
enum class KeyUse { Write, VerifyOnly };

// `file` names gateway.json in errors; relative paths resolve against `base_dir`.
Result<ProcessingLogConfig, ConfigErrors> load_config(const nlohmann::json& section,
                                                      const nlohmann::json& store_section,
                                                      const std::filesystem::path& base_dir,
                                                      const std::string& file = "gateway.json",
                                                      KeyUse use = KeyUse::Write);

}  // namespace bronpoort::processing_log
