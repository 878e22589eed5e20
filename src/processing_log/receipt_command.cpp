#include <bronpoort/processing_log/log_proofs.hpp>
#include <bronpoort/processing_log/receipt_command.hpp>
#include <bronpoort/processing_log/signed_note.hpp>

#include "file_bytes.hpp"

#include <fstream>
#include <iostream>
#include <sstream>

namespace bronpoort::processing_log {
namespace {

int usage() {
  std::cerr << "usage: bronpoort verify-receipt --receipt HEADER --checkpoint FILE --proof FILE "
               "[--proof FILE ...] --log-key PEM [--log-key-name NAME] [--witness-key NAME=PEM]\n";
  return 2;
}

}  // namespace

int run_verify_receipt_command(int argc, char** argv) {
  std::string receipt_text, checkpoint_path, log_key_path;
  std::string log_key_name = "bronpoort.local/processing-log";
  std::vector<std::string> proof_paths, witness_keys;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (i + 1 >= argc) return usage();
    std::string value = argv[++i];
    if (arg == "--receipt") {
      receipt_text = value;
    } else if (arg == "--checkpoint") {
      checkpoint_path = value;
    } else if (arg == "--proof") {
      proof_paths.push_back(value);
    } else if (arg == "--log-key") {
      log_key_path = value;
    } else if (arg == "--log-key-name") {
      log_key_name = value;
    } else if (arg == "--witness-key") {
      witness_keys.push_back(value);
    } else {
      return usage();
    }
  }
  if (receipt_text.empty() || checkpoint_path.empty() || log_key_path.empty() ||
      proof_paths.empty()) {
    return usage();
  }
  auto receipt = parse_receipt(receipt_text);
  if (!receipt) {
    std::cerr << "verify-receipt: not a Processing-Log-Receipt value\n";
    return 2;
  }
  std::string error, note_text;
  auto log_key = NoteVerifier::from_pem_file(log_key_path, log_key_name, error);
  if (!log_key) {
    std::cerr << "verify-receipt: " << error << "\n";
    return 2;
  }
  if (!read_file(checkpoint_path, note_text)) {
    std::cerr << "verify-receipt: cannot read " << checkpoint_path << "\n";
    return 2;
  }
  // The checkpoint may be given as the API's JSON or as the bare note.
  auto as_json = nlohmann::json::parse(note_text, nullptr, false);
  if (as_json.is_object() && as_json.contains("note") && as_json["note"].is_string()) {
    note_text = as_json["note"].get<std::string>();
  }
  auto note = SignedNote::parse(note_text);
  auto checkpoint = note ? TreeCheckpoint::parse(note->text) : std::nullopt;
  if (!checkpoint) {
    std::cerr << "verify-receipt: " << checkpoint_path << " is not a checkpoint note\n";
    return 2;
  }
  bool ok = true;
  if (!log_key->verify(*note)) {
    std::cout << "FAIL: the checkpoint is not signed by the log key " << log_key_name << "\n";
    ok = false;
  }
  for (const auto& spec : witness_keys) {
    auto eq = spec.find('=');
    if (eq == std::string::npos) return usage();
    auto witness = NoteVerifier::from_pem_file(spec.substr(eq + 1), spec.substr(0, eq), error);
    if (!witness) {
      std::cerr << "verify-receipt: " << error << "\n";
      return 2;
    }
    if (auto at = witness->verify_cosignature(*note)) {
      std::cout << "checkpoint cosigned by witness " << witness->name() << " at unix time " << *at
                << "\n";
    } else {
      std::cout << "FAIL: the checkpoint carries no valid cosignature of " << witness->name()
                << "\n";
      ok = false;
    }
  }
  std::vector<InclusionProof> proofs;
  for (const auto& path : proof_paths) {
    std::string text;
    if (!read_file(path, text)) {
      std::cerr << "verify-receipt: cannot read " << path << "\n";
      return 2;
    }
    auto j = nlohmann::json::parse(text, nullptr, false);
    if (auto proof = InclusionProof::from_json(j)) {
      proofs.push_back(*proof);
    } else if (j.is_object() && j.contains("code") && j.contains("status")) {
      // The proof API's refusal saved as it came: the log could not prove a record.
      std::cout << "FAIL: " << path << ": the log gave no proof: " << j["code"].dump() << " "
                << j.value("detail", "") << "\n";
      ok = false;
    } else {
      std::cerr << "verify-receipt: " << path << " is not an inclusion proof\n";
      return 2;
    }
  }
  for (const auto& entry : *receipt) {
    const InclusionProof* proof = nullptr;
    for (const auto& p : proofs) {
      if (p.chain_id == entry.chain_id && p.seq == entry.seq) proof = &p;
    }
    std::string name = "record " + std::to_string(entry.seq) + " of chain " + entry.chain_id;
    if (!proof) {
      std::cout << "FAIL: " << name << ": no inclusion proof given\n";
      ok = false;
    } else if (checkpoint->origin.size() < entry.chain_id.size() + 1 ||
               checkpoint->origin.substr(checkpoint->origin.size() - entry.chain_id.size() - 1) !=
                   "/" + entry.chain_id) {
      std::cout << "FAIL: " << name << ": the checkpoint is of another log (" << checkpoint->origin
                << ")\n";
      ok = false;
    } else if (proof->leaf_hash != entry.leaf_hash) {
      std::cout << "FAIL: " << name
                << ": the log holds another record there than the receipt names\n";
      ok = false;
    } else if (proof->tree_size != checkpoint->size) {
      std::cout << "FAIL: " << name << ": the proof is for tree size " << proof->tree_size
                << ", the checkpoint for " << checkpoint->size << "\n";
      ok = false;
    } else if (!merkle::verify_inclusion(entry.leaf_hash, leaf_index(entry.seq), checkpoint->size,
                                         proof->path, checkpoint->root)) {
      std::cout << "FAIL: " << name
                << ": the inclusion proof does not lead to the checkpoint's root\n";
      ok = false;
    } else {
      std::cout << "OK: " << name << " is in the log: tree size " << checkpoint->size << ", root "
                << merkle::to_base64(checkpoint->root) << "\n";
    }
  }
  return ok ? 0 : 1;
}

}  // namespace bronpoort::processing_log
