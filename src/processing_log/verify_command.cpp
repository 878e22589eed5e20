#include <bronpoort/processing_log/verify_command.hpp>

#include <bronpoort/processing_log/config.hpp>
#include <bronpoort/processing_log/verifier.hpp>
#include <bronpoort/processing_log/witness.hpp>

#include <fstream>
#include <iostream>
#include <set>
#include <string>

namespace bronpoort::processing_log {
namespace {

// Asks every configured witness for the newest checkpoint it cosigned of each chain. Only a
// checkpoint that carries both the log's signature and the witness's cosignature counts.
TreeVerification ask_witnesses(const ProcessingLogConfig& config, LogStore& store) {
  TreeVerification how;
  how.log_key = config.note_verifier.get();
  if (config.witnesses.empty()) return how;
  std::set<std::string> chains;
  for (auto& id : store.chain_ids()) chains.insert(id);
  for (auto& h : store.tree_heads("")) chains.insert(h.chain_id);
  // The chain this configuration writes, even when the log holds none of it any more.
  chains.insert(config.writer.chain_id);
  for (const auto& w : config.witnesses) {
    for (const auto& chain : chains) {
      auto reply =
          witness_request(w.url, "GET", "/checkpoints/" + config.origin_prefix + "/" + chain, "");
      if (!reply || (reply->status != 200 && reply->status != 404)) {
        how.unreachable.push_back(w.name + " (" + w.url + ")");
        break;
      }
      if (reply->status == 404) continue;
      auto note = SignedNote::parse(reply->body);
      auto cp = note ? TreeCheckpoint::parse(note->text) : std::nullopt;
      auto at = note && w.verifier ? w.verifier->verify_cosignature(*note) : std::nullopt;
      if (!cp || !at || !how.log_key || !how.log_key->verify(*note)) {
        how.unreachable.push_back(w.name + " (answered a checkpoint that does not verify)");
        continue;
      }
      how.witnessed[chain].push_back({w.name, cp->size, cp->root, *at});
    }
  }
  return how;
}

int usage() {
  std::cerr << "usage: bronpoort verify-log --config FILE [--json]\n";
  return 2;
}

}  // namespace

int run_verify_log_command(int argc, char** argv) {
  std::string config_path;
  bool json = false;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--config" && i + 1 < argc) {
      config_path = argv[++i];
    } else if (arg == "--json") {
      json = true;
    } else {
      return usage();
    }
  }
  if (config_path.empty()) return usage();

  std::ifstream in(config_path);
  if (!in) {
    std::cerr << config_path << ": cannot read\n";
    return 2;
  }
  auto gateway = nlohmann::json::parse(in, nullptr, false);
  if (!gateway.is_object()) {
    std::cerr << config_path << ":/: not a JSON object\n";
    return 2;
  }
  auto base_dir = std::filesystem::path(config_path).parent_path();
  auto loaded = load_config(gateway.value("processingLog", nlohmann::json::object()),
                            gateway.value("store", nlohmann::json::object()), base_dir, config_path,
                            KeyUse::VerifyOnly);
  if (auto* errors = std::get_if<ConfigErrors>(&loaded)) {
    for (const auto& e : *errors) std::cerr << e.to_string() << "\n";
    return 2;
  }
  const auto& config = std::get<ProcessingLogConfig>(loaded);
  if (!config.verifier) {
    std::cerr << "warning: no checkpointPublicKeyFile configured; checkpoints cannot be checked\n";
  }
  try {
    auto store = open_store(config.store);
    std::int64_t last_reported = 0;
    auto how = ask_witnesses(config, *store);
    for (const auto& [chain, list] : how.witnessed) {
      for (const auto& w : list) {
        std::cerr << "verify-log: witness " << w.witness << " cosigned " << w.size << " records of "
                  << chain << "\n";
      }
    }
    auto report = verify_log(
        *store, config.verifier.get(), &how, [&](const std::string& chain, std::int64_t done) {
          if (done - last_reported >= 10000 || done < last_reported) {
            std::cerr << "verify-log: " << chain << ": " << done << " records checked\n";
            last_reported = done;
          }
        });
    if (json) {
      std::cout << report.to_json().dump(2) << "\n";
    } else {
      if (report.chains.empty()) std::cout << "log is empty\n";
      for (const auto& c : report.chains) {
        if (c.ok) {
          std::cout << "chain " << c.chain_id << ": OK (" << c.records << " records, "
                    << c.checkpoints << " signed checkpoints verified)\n";
        } else {
          std::cout << "chain " << c.chain_id << ": BROKEN at seq " << *c.first_broken_seq << " ("
                    << c.problem << "): " << c.detail << "\n";
        }
      }
    }
    return report.ok ? 0 : 1;
  } catch (const std::exception& e) {
    std::cerr << "verify-log: cannot read the log: " << e.what() << "\n";
    return 3;
  }
}

}  // namespace bronpoort::processing_log
