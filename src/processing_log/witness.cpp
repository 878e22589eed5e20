// The witness's decision and its own store (a SQLite file, never the log's database).

#include "encoding.hpp"
#include "sqlite_db.hpp"

#include <bronpoort/processing_log/witness.hpp>

#include <charconv>

namespace bronpoort::processing_log {

class WitnessState {
 public:
  explicit WitnessState(const std::filesystem::path& path) : db_(path.string()) {
    db_.exec(
        "CREATE TABLE IF NOT EXISTS witnessed_checkpoints (origin TEXT NOT NULL, "
        "tree_size INTEGER NOT NULL, root_hash TEXT NOT NULL, note TEXT NOT NULL, "
        "cosigned_at INTEGER NOT NULL, PRIMARY KEY (origin, tree_size))");
  }
  struct Latest {
    std::uint64_t size = 0;
    merkle::Hash root{};
    std::string note;
  };
  std::optional<Latest> latest(const std::string& origin) {
    sqlite::Statement st(db_,
                         "SELECT tree_size, root_hash, note FROM witnessed_checkpoints WHERE "
                         "origin = ?1 ORDER BY tree_size DESC LIMIT 1");
    st.arg(origin);
    if (!st.step()) return std::nullopt;
    auto root = merkle::from_hex(st.text(1));
    if (!root) throw StoreError("witness store: bad root hash for " + origin);
    return Latest{static_cast<std::uint64_t>(st.integer(0)), *root, st.text(2)};
  }
  void remember(const std::string& origin, std::uint64_t size, const merkle::Hash& root,
                const std::string& note, std::uint64_t at) {
    sqlite::Statement st(db_,
                         "INSERT OR IGNORE INTO witnessed_checkpoints (origin, tree_size, "
                         "root_hash, note, cosigned_at) VALUES (?1, ?2, ?3, ?4, ?5)");
    st.arg(origin)
        .arg(static_cast<std::int64_t>(size))
        .arg(merkle::to_hex(root))
        .arg(note)
        .arg(static_cast<std::int64_t>(at));
    st.step();
  }

 private:
  sqlite::Db db_;
};

namespace {

WitnessReply reply(int status, std::string body) {
  return {status, "text/plain; charset=utf-8", std::move(body) + "\n"};
}

bool parse_size(std::string_view s, std::uint64_t& out) {
  if (s.empty() || (s.size() > 1 && s[0] == '0')) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

}  // namespace

Witness::Witness(const std::filesystem::path& store_path, std::shared_ptr<const NoteSigner> key,
                 std::vector<WitnessedLog> logs)
    : state_(std::make_unique<WitnessState>(store_path)),
      key_(std::move(key)),
      logs_(std::move(logs)) {}

Witness::~Witness() = default;

const WitnessedLog* Witness::log_for(const std::string& origin) const {
  for (const auto& l : logs_) {
    if (origin == l.origin || origin.rfind(l.origin + "/", 0) == 0) return &l;
  }
  return nullptr;
}

WitnessReply Witness::add_checkpoint(const std::string& body, std::uint64_t now) {
  // "old N", the proof lines, a blank line, then the note.
  auto blank = body.find("\n\n");
  if (body.rfind("old ", 0) != 0 || blank == std::string::npos) {
    return reply(400, "expected 'old <size>', proof lines, a blank line and a checkpoint");
  }
  std::string_view head(body.data(), blank + 1);
  std::vector<merkle::Hash> proof;
  std::uint64_t old_size = 0;
  bool first = true;
  while (!head.empty()) {
    auto eol = head.find('\n');
    std::string_view line = head.substr(0, eol);
    head.remove_prefix(eol + 1);
    if (first) {
      first = false;
      if (!parse_size(line.substr(4), old_size)) return reply(400, "bad old size");
      continue;
    }
    auto h = merkle::from_base64(line);
    if (!h) return reply(400, "bad proof line");
    proof.push_back(*h);
  }
  std::string note_text = body.substr(blank + 2);
  auto note = SignedNote::parse(note_text);
  auto cp = note ? TreeCheckpoint::parse(note->text) : std::nullopt;
  if (!cp) return reply(400, "not a signed checkpoint note");
  const auto* log = log_for(cp->origin);
  if (!log) return reply(404, "unknown log origin " + cp->origin);
  if (!log->key->verify(*note)) return reply(403, "the checkpoint is not signed by the log's key");
  auto latest = state_->latest(cp->origin);
  std::uint64_t have = latest ? latest->size : 0;
  if (old_size != have) {
    return {409, "text/x.tlog.size", std::to_string(have) + "\n"};
  }
  if (cp->size < have) return reply(400, "the checkpoint is older than the one witnessed");
  if (latest && !merkle::verify_consistency(have, cp->size, latest->root, cp->root, proof)) {
    // Not an extension of what was witnessed: another history (fork) or a rewritten one.
    return reply(422, "the checkpoint is not consistent with the witnessed checkpoint of size " +
                          std::to_string(have));
  }
  auto cosignature = key_->cosign(note->text, now);
  SignedNote cosigned{note->text, note->signatures};
  cosigned.signatures.push_back(cosignature);
  state_->remember(cp->origin, cp->size, cp->root, cosigned.to_string(), now);
  SignedNote line{"", {cosignature}};
  auto text = line.to_string();
  return {200, "text/plain; charset=utf-8", text.substr(1)};  // just the signature line
}

WitnessReply Witness::latest(const std::string& origin) {
  auto l = state_->latest(origin);
  if (!l) return reply(404, "no checkpoint witnessed for " + origin);
  return {200, "text/plain; charset=utf-8", l->note};
}

}  // namespace bronpoort::processing_log
