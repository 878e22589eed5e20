// The verifiable log through the real binaries: a gateway pushing its checkpoints to a witness
// (`bronpoort witness`), receipts on data responses checked with `bronpoort verify-receipt`,
// the proof API's access rules, and `bronpoort verify-log` naming each kind of tampering with the
// log file — including the ones only a witness can catch: the tail cut off together with its
// checkpoints, a rollback to an older copy, and a forked log the witness refused.

#include "support/demo_world.hpp"
#include "support/gateway_process.hpp"
#include "support/http_client.hpp"

#include <bronpoort/processing_log/log_proofs.hpp>
#include <bronpoort/processing_log/merkle.hpp>

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>
#include <csignal>
#include <regex>
#include <thread>

namespace bronpoort::testing {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using namespace std::chrono_literals;

const fs::path kKeys = fs::path(BRONPOORT_SOURCE_DIR) / "config" / "keys";
constexpr const char* kOrigin = "bronpoort.local/processing-log";
constexpr const char* kWitnessName = "witness.local/test";

// `bronpoort witness` on a free port with its own store in `dir`.
class WitnessProcess {
 public:
  explicit WitnessProcess(const TempDir& dir) : out_(dir.path() / "witness.out") {
    json cfg = {{"name", kWitnessName},
                {"keyFile", (kKeys / "demo-witness-ed25519.pem").string()},
                {"storePath", (dir.path() / "witness" / "witness.db").string()},
                {"port", 0},
                {"logs",
                 {{{"origin", kOrigin},
                   {"publicKeyFile", (kKeys / "demo-log-checkpoint-ed25519.pub.pem").string()}}}}};
    auto path = dir.write("witness.json", cfg.dump(2));
    pid_ = ::fork();
    if (pid_ == 0) {
      int fd = ::open(out_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      ::dup2(fd, 1);
      ::dup2(fd, 2);
      ::execl(BRONPOORT_BINARY, BRONPOORT_BINARY, "witness", "--config", path.c_str(),
              static_cast<char*>(nullptr));
      ::_exit(127);
    }
    const std::regex re(R"(witness listening on [0-9.]+:(\d+))");
    for (int i = 0; i < 400 && port_ == 0; ++i) {
      std::smatch m;
      std::string text = slurp(out_);
      if (std::regex_search(text, m, re)) port_ = std::stoi(m[1]);
      std::this_thread::sleep_for(25ms);
    }
  }
  ~WitnessProcess() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGTERM);
    ::waitpid(pid_, nullptr, 0);
  }
  int port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  // The newest checkpoint the witness cosigned for `chain`, or "" when none.
  std::string cosigned(const std::string& chain) const {
    auto r = request(static_cast<std::uint16_t>(port_), "GET",
                     std::string("/checkpoints/") + kOrigin + "/" + chain);
    return r && r->status == 200 ? r->body : "";
  }
  std::uint64_t cosigned_size(const std::string& chain) const {
    auto note = cosigned(chain);
    auto first = note.find('\n');
    if (first == std::string::npos) return 0;
    return std::stoull(note.substr(first + 1, note.find('\n', first + 1) - first - 1));
  }

 private:
  fs::path out_;
  int pid_ = -1;
  int port_ = 0;
};

class VerifiableLog : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NE(source_.port(), 0) << "demo source did not start";
    ASSERT_NE(witness_.port(), 0) << "witness did not start: "
                                  << slurp(dir_.path() / "witness.out");
    copy_demo_registrations(dir_, source_.port());
    ::setenv("BRONPOORT_DEBT_PG_DSN", "host=127.0.0.1 port=1 dbname=none connect_timeout=1", 1);
    cfg_ = demo_gateway_config();
    cfg_["processingLog"]["checkpointEveryRecords"] = 4;
    cfg_["processingLog"]["witnesses"] = {
        {{"name", kWitnessName},
         {"url", witness_.url()},
         {"publicKeyFile", (kKeys / "demo-witness-ed25519.pub.pem").string()}}};
    start();
    analyst_ = token("--sub analyst-1 --org 00000001001234567000 --role analyst");
    case_worker_ = token("--sub cw-1 --org 00000001001234567000 --role case-worker");
    auditor_ = token("--sub auditor-1 --org 00000001009999999000 --role auditor");
  }

  void start() { gateway_ = std::make_unique<GatewayProcess>(dir_, cfg_); }
  void stop() {
    gateway_->signal(SIGTERM);
    ASSERT_EQ(gateway_->wait_exit(20s), 0) << gateway_->log();
  }

  std::string token(const std::string& args) { return demo_token(*gateway_, dir_, args); }

  std::optional<Response> call(const std::string& method, const std::string& target,
                               const std::string& tok, const std::string& purpose = "",
                               const std::string& body = "") {
    std::string headers = "Authorization: Bearer " + tok;
    if (!purpose.empty()) headers += "\r\nProcessing-Purpose: " + purpose;
    if (!body.empty()) headers += "\r\nContent-Type: application/json";
    return request(gateway_->port(), method, target, body, headers);
  }

  // A data request; returns its receipt header.
  std::string measurements() {
    auto r = call("GET", "/v1/datasets/sewage-surveillance/measurements?pageSize=2", analyst_,
                  "rioolwater-surveillance");
    EXPECT_TRUE(r && r->status == 200) << (r ? r->body : "no answer");
    return r ? r->header("processing-log-receipt") : "";
  }

  std::uint64_t wait_for_witness(std::uint64_t at_least) {
    for (int i = 0; i < 200; ++i) {
      if (witness_.cosigned_size("gateway-1") >= at_least) break;
      std::this_thread::sleep_for(50ms);
    }
    return witness_.cosigned_size("gateway-1");
  }

  // `bronpoort verify-log` on a copy of the log; returns exit status and output.
  std::pair<int, std::string> verify_log(const std::string& db_name) {
    auto cfg = cfg_;
    cfg["store"]["path"] = db_name;
    auto path = dir_.write("verify-" + db_name + ".json", cfg.dump(2));
    auto out = dir_.path() / ("verify-" + db_name + ".out");
    int rc = run_command(std::string(BRONPOORT_BINARY) + " verify-log --config " + path.string() +
                         " >" + out.string() + " 2>&1");
    return {rc, slurp(out)};
  }

  // Copies the stopped gateway's log and changes the copy as someone with the file could.
  std::string tampered(const std::string& name, const std::string& sql) {
    const std::string file = name + ".db";
    fs::copy_file(dir_.path() / "bronpoort.db", dir_.path() / file);
    sqlite3* db = nullptr;
    EXPECT_EQ(sqlite3_open((dir_.path() / file).c_str(), &db), SQLITE_OK);
    std::string all =
        "DROP TRIGGER processing_log_no_update; DROP TRIGGER processing_log_no_delete; "
        "DROP TRIGGER log_checkpoints_no_delete; DROP TRIGGER log_tree_heads_no_delete; " +
        sql;
    char* err = nullptr;
    EXPECT_EQ(sqlite3_exec(db, all.c_str(), nullptr, nullptr, &err), SQLITE_OK) << (err ? err : "");
    sqlite3_free(err);
    sqlite3_close(db);
    return file;
  }

  TempDir dir_;
  DemoSource source_{dir_};
  WitnessProcess witness_{dir_};
  json cfg_;
  std::unique_ptr<GatewayProcess> gateway_;
  std::string analyst_, case_worker_, auditor_;
};

TEST_F(VerifiableLog, AReceiptFromAResponseVerifiesAgainstALaterWitnessedCheckpoint) {
  const std::string receipt = measurements();
  auto entries = processing_log::parse_receipt(receipt);
  ASSERT_TRUE(entries) << "no receipt: '" << receipt << "'";
  ASSERT_GE(entries->size(), 1u);
  EXPECT_EQ(entries->front().chain_id, "gateway-1");
  for (int i = 0; i < 3; ++i) measurements();  // the log grows past the receipt's records
  const std::uint64_t size = wait_for_witness(8);
  ASSERT_GE(size, 8u) << gateway_->log();

  // The witness's copy carries the log's signature and the witness's cosignature.
  dir_.write("checkpoint.txt", witness_.cosigned("gateway-1"));
  std::string proofs;
  for (const auto& e : *entries) {
    auto r =
        call("GET",
             "/v1/processing-log/chains/gateway-1/inclusion-proof?seq=" + std::to_string(e.seq) +
                 "&treeSize=" + std::to_string(size),
             auditor_);
    ASSERT_TRUE(r && r->status == 200) << (r ? r->body : "no answer");
    auto file = dir_.write("proof-" + std::to_string(e.seq) + ".json", r->body);
    proofs += " --proof " + file.string();
  }
  const std::string verify =
      std::string(BRONPOORT_BINARY) + " verify-receipt --receipt '" + receipt + "' --checkpoint " +
      (dir_.path() / "checkpoint.txt").string() + proofs + " --log-key " +
      (kKeys / "demo-log-checkpoint-ed25519.pub.pem").string() + " --witness-key " + kWitnessName +
      "=" + (kKeys / "demo-witness-ed25519.pub.pem").string();
  EXPECT_EQ(run_command(verify + " >" + (dir_.path() / "receipt.out").string()), 0)
      << slurp(dir_.path() / "receipt.out");

  // A receipt whose leaf hash the log does not hold (another record) does not verify.
  auto forged = *entries;
  forged.front().leaf_hash = processing_log::merkle::leaf_hash("something else");
  const std::string forged_cmd =
      std::string(BRONPOORT_BINARY) + " verify-receipt --receipt '" +
      processing_log::format_receipt(forged) + "' --checkpoint " +
      (dir_.path() / "checkpoint.txt").string() + proofs + " --log-key " +
      (kKeys / "demo-log-checkpoint-ed25519.pub.pem").string() + " >/dev/null";
  EXPECT_EQ(run_command(forged_cmd), 1);

  // Consistency between two sizes, checked here with the RFC 9162 verifier.
  auto c = call("GET",
                "/v1/processing-log/chains/gateway-1/consistency-proof?firstSize=3&secondSize=" +
                    std::to_string(size),
                analyst_);
  ASSERT_TRUE(c && c->status == 200) << (c ? c->body : "no answer");
  auto cj = json::parse(c->body);
  std::vector<processing_log::merkle::Hash> path;
  for (const auto& h : cj["path"])
    path.push_back(*processing_log::merkle::from_hex(h.get<std::string>()));
  EXPECT_TRUE(processing_log::merkle::verify_consistency(
      3, size, *processing_log::merkle::from_hex(cj["firstRootHash"].get<std::string>()),
      *processing_log::merkle::from_hex(cj["secondRootHash"].get<std::string>()), path));
}

TEST_F(VerifiableLog, AReceiptForADeletedRecordFails) {
  const std::string receipt = measurements();
  auto entries = processing_log::parse_receipt(receipt);
  ASSERT_TRUE(entries && entries->size() == 2u) << receipt;  // processing record + audit record
  measurements();
  stop();
  const std::uint64_t size = witness_.cosigned_size("gateway-1");
  ASSERT_GE(size, 4u);
  dir_.write("checkpoint.txt", witness_.cosigned("gateway-1"));
  // Someone with the file removes the receipt's processing record.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((dir_.path() / "bronpoort.db").c_str(), &db), SQLITE_OK);
  const std::string sql =
      "DROP TRIGGER processing_log_no_delete; DELETE FROM processing_log "
      "WHERE seq = " +
      std::to_string(entries->front().seq);
  ASSERT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  start();
  auto gone = call("GET",
                   "/v1/processing-log/chains/gateway-1/inclusion-proof?seq=" +
                       std::to_string(entries->front().seq) + "&treeSize=" + std::to_string(size),
                   auditor_);
  ASSERT_TRUE(gone);
  EXPECT_EQ(gone->status, 404) << gone->body;
  // verify-receipt takes the API's answer as it comes and fails the receipt.
  auto answer = dir_.write("gone.json", gone->body);
  const std::string out = (dir_.path() / "deleted.out").string();
  EXPECT_EQ(run_command(std::string(BRONPOORT_BINARY) + " verify-receipt --receipt '" +
                        processing_log::format_receipt({entries->front()}) + "' --checkpoint " +
                        (dir_.path() / "checkpoint.txt").string() + " --proof " + answer.string() +
                        " --log-key " + (kKeys / "demo-log-checkpoint-ed25519.pub.pem").string() +
                        " >" + out),
            1);
  EXPECT_NE(slurp(out).find("record-not-found"), std::string::npos) << slurp(out);
  // And verify-log names the gap.
  auto [rc, report] = verify_log("bronpoort.db");
  EXPECT_EQ(rc, 1);
  EXPECT_NE(report.find("(gap)"), std::string::npos) << report;
}

TEST_F(VerifiableLog, ACitizenGetsProofsForTheirOwnRecordsOnly) {
  auto people =
      request(static_cast<std::uint16_t>(source_.port()), "POST", "/brp/persons/query",
              R"({"filters":[],"sort":[],"fields":[],"offset":0,"limit":2,"includeTotal":false})",
              "Content-Type: application/json");
  ASSERT_TRUE(people && people->status == 200);
  auto items = json::parse(people->body)["items"];
  const std::string bsn = items[0]["bsn"], other = items[1]["bsn"];
  auto search = [&](const std::string& who) {
    auto r =
        call("POST", "/v1/datasets/persons/persons/search", case_worker_,
             "schuldhulpverlening-intake", R"({"filters": {"bsn": {"eq": ")" + who + R"("}}})");
    EXPECT_TRUE(r && r->status == 200) << (r ? r->body : "no answer");
    return processing_log::parse_receipt(r ? r->header("processing-log-receipt") : "");
  };
  auto mine = search(bsn);
  auto theirs = search(other);
  ASSERT_TRUE(mine && theirs);
  const std::string citizen =
      token("--sub c-1 --org 00000001001234567000 --role data-subject --bsn " + bsn);
  auto proof = [&](std::int64_t seq, const std::string& tok) {
    auto r = call("GET",
                  "/v1/processing-log/chains/gateway-1/inclusion-proof?seq=" + std::to_string(seq) +
                      "&treeSize=" + std::to_string(theirs->back().seq),
                  tok);
    return r ? r->status : 0;
  };
  // Processing record first, then the audit record (who asked): the citizen gets only the former.
  EXPECT_EQ(proof(mine->front().seq, citizen), 200);
  EXPECT_EQ(proof(mine->back().seq, citizen), 404);
  EXPECT_EQ(proof(theirs->front().seq, citizen), 404);
  EXPECT_EQ(proof(theirs->front().seq, auditor_), 200);
  EXPECT_EQ(proof(theirs->back().seq, auditor_), 200);
  auto cp = call("GET", "/v1/processing-log/chains/gateway-1/checkpoint", citizen);
  ASSERT_TRUE(cp);
  EXPECT_EQ(cp->status, 200) << cp->body;
}

TEST_F(VerifiableLog, VerifyLogNamesEveryTamperingAndTheWitnessCatchesRollbackAndFork) {
  for (int i = 0; i < 3; ++i) measurements();
  // An older copy of the log, taken while the gateway runs (consistent: VACUUM INTO).
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open((dir_.path() / "bronpoort.db").c_str(), &db), SQLITE_OK);
    std::string sql = "VACUUM INTO '" + (dir_.path() / "older.db").string() + "'";
    ASSERT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(db);
  }
  for (int i = 0; i < 4; ++i) measurements();
  stop();  // the shutdown checkpoint covers every record and reaches the witness
  const std::uint64_t size = witness_.cosigned_size("gateway-1");
  ASSERT_GE(size, 14u) << gateway_->log();

  auto [ok_rc, ok_out] = verify_log("bronpoort.db");
  EXPECT_EQ(ok_rc, 0) << ok_out;
  EXPECT_NE(ok_out.find("OK"), std::string::npos) << ok_out;

  const std::string last = std::to_string(size);
  const std::string before_last = std::to_string(size - 2);
  struct Case {
    std::string name, sql, problem;
  };
  std::vector<Case> cases = {
      {"altered", "UPDATE processing_log SET organisation = 'x' WHERE seq = 3", "hash-mismatch"},
      {"deleted", "DELETE FROM processing_log WHERE seq = 4", "gap"},
      {"reordered",
       "UPDATE processing_log SET seq = -1 WHERE seq = 5; UPDATE processing_log SET seq = 5 "
       "WHERE seq = 6; UPDATE processing_log SET seq = 6 WHERE seq = -1",
       "chain-broken"},
      {"truncated", "DELETE FROM processing_log WHERE seq > " + before_last, "truncated"},
      // The tail and every checkpoint over it: only the witness still knows.
      {"cut",
       "DELETE FROM processing_log WHERE seq > " + before_last +
           "; DELETE FROM log_checkpoints WHERE seq > " + before_last +
           "; DELETE FROM log_tree_heads WHERE tree_size > " + before_last,
       "rolled-back"},
  };
  for (const auto& c : cases) {
    auto [rc, out] = verify_log(tampered(c.name, c.sql));
    EXPECT_EQ(rc, 1) << c.name << ": " << out;
    EXPECT_NE(out.find("(" + c.problem + ")"), std::string::npos) << c.name << ": " << out;
  }
  // The older copy is internally consistent; the witness's checkpoint shows it is not the log.
  auto [old_rc, old_out] = verify_log("older.db");
  EXPECT_EQ(old_rc, 1) << old_out;
  EXPECT_NE(old_out.find("(rolled-back)"), std::string::npos) << old_out;

  // A fork: another log under the same chain id and key, grown past what the witness saw. The
  // witness refuses its checkpoints, and verify-log names the fork.
  cfg_["store"]["path"] = "forked.db";
  start();
  analyst_ = token("--sub analyst-2 --org 00000001001234567000 --role analyst");
  for (std::uint64_t i = 0; i < size / 2 + 2; ++i) measurements();
  EXPECT_TRUE(gateway_->wait_for_log("\"witness-refused\"", 10s)) << gateway_->log();
  stop();
  EXPECT_EQ(witness_.cosigned_size("gateway-1"), size);  // unchanged by the fork
  auto [fork_rc, fork_out] = verify_log("forked.db");
  EXPECT_EQ(fork_rc, 1) << fork_out;
  EXPECT_NE(fork_out.find("(fork)"), std::string::npos) << fork_out;
}

}  // namespace
}  // namespace bronpoort::testing
