#pragma once
// A witness: an independent party that keeps the latest checkpoint it saw of each log and cosigns
// a new one only if a consistency proof shows it extends that one. A log that rewrote or cut its
// history cannot get it cosigned, and cannot hide the older, larger checkpoint the witness holds.
// The protocol follows C2SP tlog-witness: POST /add-checkpoint with
//
//   old <size the client believes the witness has>\n
//   <consistency proof hash, base64>\n ...
//   \n
//   <checkpoint as a signed note>
//
// answered 200 with the cosignature line, 409 (body "<size>\n") when `old` is not the witness's
// size, 422 when the proof does not show an extension (a fork or a rollback), 403 for a bad log
// signature, 404 for an unknown origin, 400 for anything malformed. GET /checkpoints/<origin>
// returns the latest cosigned checkpoint, for verify-log.

#include <bronpoort/processing_log/signed_note.hpp>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace bronpoort::processing_log {

struct WitnessedLog {
  std::string origin;  // checkpoints of origin "<origin>" or "<origin>/<chain>", key named origin
  std::shared_ptr<const NoteVerifier> key;
};

struct WitnessReply {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
};

class WitnessState;

class Witness {
 public:
  // Opens (creating) the witness's own SQLite file. Throws StoreError.
  Witness(const std::filesystem::path& store_path, std::shared_ptr<const NoteSigner> key,
          std::vector<WitnessedLog> logs);
  ~Witness();

  WitnessReply add_checkpoint(const std::string& body, std::uint64_t now_unix_seconds);
  WitnessReply latest(const std::string& origin);

 private:
  const WitnessedLog* log_for(const std::string& origin) const;
  std::unique_ptr<WitnessState> state_;
  std::shared_ptr<const NoteSigner> key_;
  std::vector<WitnessedLog> logs_;
};

// `bronpoort witness --config FILE`: serves a witness over HTTP until SIGTERM/SIGINT.
//   {"name": "witness.local/demo", "keyFile": "keys/demo-witness-ed25519.pem",
//    "storePath": "../var/witness.db", "listen": "127.0.0.1", "port": 8091,
//    "logs": [{"origin": "bronpoort.local/processing-log",
//              "publicKeyFile": "keys/demo-log-checkpoint-ed25519.pub.pem"}]}
// With port 0 it picks a free port and prints "witness listening on HOST:PORT".
int run_witness_command(int argc, char** argv);

// The client side, used by the gateway and verify-log: plain HTTP/1.1 to `base_url`
// ("http://host:port"), bounded by `timeout_ms`. Returns nullopt when the witness cannot be
// reached.
struct HttpReply {
  int status = 0;
  std::string body;
};
std::optional<HttpReply> witness_request(const std::string& base_url, const std::string& method,
                                         const std::string& target, const std::string& body,
                                         int timeout_ms = 5000);

}  // namespace bronpoort::processing_log
