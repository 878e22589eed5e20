// What the Merkle tree adds per processing-log record, in CPU: the leaf hash over the record's
// canonical bytes plus the frontier's node hashes (amortised two per record), and the nodes kept
// for proofs. Compared with linking the same record into the hash chain, which the writer did
// before the tree. Also: making an inclusion proof from a store of 100 000 records.
//
//   build/tests/bench/bench --benchmark_filter='Merkle|ChainLink'

#include "../../src/processing_log/chain_tree.hpp"

#include <bronpoort/processing_log/canonical.hpp>
#include <bronpoort/processing_log/log_proofs.hpp>
#include <bronpoort/processing_log/merkle.hpp>

#include <benchmark/benchmark.h>

#include <unistd.h>
#include <filesystem>

namespace bp = bronpoort::processing_log;

namespace {

bp::LogRecord record() {
  bp::LogRecord r;
  r.chain_id = "gateway-1";
  r.logged_at_us = 1700000000000000;
  r.trace_id = "4bf92f3577b34da6a3ce929d0e0e4736";
  r.span_id = "00f067aa0ba902b7";
  r.parent_span_id = "a3ce929d0e0e4736";
  r.name = "read persons/persons";
  r.start_us = 1700000000000000;
  r.end_us = 1700000000001000;
  r.status = "Ok";
  r.processing_activity_id = "https://example.nl/activities/benefit-check";
  r.data_subject_id = std::string(64, 'a');
  r.data_subject_id_type = "BSN";
  r.organisation = "00000001234567890000";
  r.purpose = "benefit-check";
  r.dataset = "persons";
  r.http_status = 200;
  return r;
}

// The writer's per-record cost before the tree: render the canonical bytes and chain-hash them.
void BM_ChainLinkPerRecord(benchmark::State& state) {
  auto r = record();
  bp::CanonicalTemplate tmpl(r);
  bp::ChainLinker linker(0, bp::genesis_hash());
  for (auto _ : state) {
    linker.link(r, tmpl);
    benchmark::DoNotOptimize(r.hash);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ChainLinkPerRecord);

// What the tree adds on the writer thread per record: leaf hash + frontier + nodes to store.
void BM_MerkleAppendPerRecord(benchmark::State& state) {
  auto r = record();
  bp::CanonicalTemplate tmpl(r);
  bp::ChainLinker linker(0, bp::genesis_hash());
  linker.link(r, tmpl);
  const std::string canonical = linker.canonical();
  bp::merkle::MerkleFrontier frontier;
  std::vector<bp::merkle::StoredNode> nodes;
  for (auto _ : state) {
    frontier.append(bp::merkle::leaf_hash(canonical), &nodes, bp::kMinStoredLevel);
    if (nodes.size() > 4096) nodes.clear();  // the writer hands them to the store per commit
  }
  benchmark::DoNotOptimize(frontier.root());
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_MerkleAppendPerRecord);

// A signed tree head: the root over the frontier (done once per checkpoint, not per record).
void BM_MerkleRootOfAMillionRecordTree(benchmark::State& state) {
  bp::merkle::MerkleFrontier frontier;
  for (int i = 0; i < (1 << 20) - 1; ++i) frontier.append(bp::merkle::leaf_hash("x"));
  for (auto _ : state) benchmark::DoNotOptimize(frontier.root());
}
BENCHMARK(BM_MerkleRootOfAMillionRecordTree);

// The proof API's work for one record of a 100 000-record SQLite log: stored nodes plus at most
// 16 records re-hashed.
void BM_MerkleInclusionProofFromSqlite(benchmark::State& state) {
  auto dir =
      std::filesystem::temp_directory_path() / ("merkle_bench_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::shared_ptr<bp::LogStore> store = bp::open_sqlite_store((dir / "log.db").string());
  constexpr int kRecords = 100000;
  bp::ChainTree tree("gateway-1");
  tree.load(*store, 0);
  bp::ChainLinker linker(0, bp::genesis_hash());
  for (int done = 0; done < kRecords;) {
    std::vector<bp::LogRecord> rows;
    for (int i = 0; i < 1000; ++i, ++done) {
      auto r = record();
      bp::CanonicalTemplate tmpl(r);
      linker.link(r, tmpl);
      tree.append(linker.canonical());
      rows.push_back(std::move(r));
    }
    store->append_with_tree(rows, {}, tree.pending());
    tree.committed();
  }
  std::int64_t seq = 1;
  for (auto _ : state) {
    bp::ProofRefusal refusal;
    auto proof = bp::make_inclusion_proof(*store, "gateway-1", seq, kRecords, refusal);
    if (!proof) state.SkipWithError(refusal.detail.c_str());
    seq = seq * 7919 % kRecords + 1;
  }
  store.reset();
  std::filesystem::remove_all(dir);
}
BENCHMARK(BM_MerkleInclusionProofFromSqlite)->Unit(benchmark::kMicrosecond);

}  // namespace
