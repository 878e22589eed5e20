// Durable processing-log records per second: the group-commit writer against the naive writer
// (link, INSERT, COMMIT per record under one lock), for SQLite and PostgreSQL, with 1 and 32
// concurrent writers (request threads each waiting for their record to be durable).
//
//   build/tests/bench/bench --benchmark_filter=ProcessingLog
// PostgreSQL cases need BRONPOORT_TEST_PG_DSN (scripts/pg-cluster.sh start DIR prints one).
//
// ProcessingLogIndex/sqlite: the CPU the SQLite store spends per record (commit and indexer
// together, from getrusage) on a log that already holds 200,000 records, with the trace id and
// data subject the same in every record or random in each, as they are for callers that send
// their own traceparent and for requests about persons.

#include <bronpoort/processing_log/group_commit_writer.hpp>
#include <bronpoort/processing_log/log_store.hpp>

#include <benchmark/benchmark.h>
#include <pqxx/pqxx>

#include <sys/resource.h>
#include <unistd.h>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <random>
#include <sstream>
#include <thread>

namespace bp = bronpoort::processing_log;

namespace {

constexpr int kRecordsPerIteration = 640;

bp::LogRecord bench_record() {
  bp::LogRecord r;
  r.kind = bp::RecordKind::Processing;
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

// A fresh log database for one benchmark case, removed afterwards.
class BenchDatabase {
 public:
  explicit BenchDatabase(const std::string& kind) : kind_(kind) {
    static int counter = 0;
    name_ = "bench_log_" + std::to_string(::getpid()) + "_" + std::to_string(counter++);
    if (kind == "sqlite") {
      dir_ = std::filesystem::temp_directory_path() / name_;
      std::filesystem::create_directories(dir_);
    } else {
      const char* dsn = std::getenv("BRONPOORT_TEST_PG_DSN");
      if (!dsn) return;
      base_ = dsn;
      pqxx::connection c(base_);
      pqxx::nontransaction(c).exec("CREATE DATABASE " + name_);
    }
  }
  ~BenchDatabase() {
    if (kind_ == "sqlite") {
      std::filesystem::remove_all(dir_);
    } else if (!base_.empty()) {
      pqxx::connection c(base_);
      pqxx::nontransaction(c).exec("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
    }
  }
  bool available() const { return kind_ == "sqlite" || !base_.empty(); }
  std::shared_ptr<bp::LogStore> open() {
    if (kind_ == "sqlite") return bp::open_sqlite_store((dir_ / "log.db").string());
    std::string dsn;
    std::istringstream in(base_);
    for (std::string part; in >> part;) {
      if (part.rfind("dbname=", 0) != 0) dsn += part + " ";
    }
    return bp::open_postgres_store(dsn + "dbname=" + name_);
  }

 private:
  std::string kind_;
  std::string name_;
  std::string base_;
  std::filesystem::path dir_;
};

// The writer without group commit: every record is linked, inserted and committed on its own.
class NaiveWriter {
 public:
  explicit NaiveWriter(std::shared_ptr<bp::LogStore> store) : store_(std::move(store)) {}
  void append(bp::LogRecord r) {
    std::lock_guard lock(mutex_);
    r.chain_id = "bench";
    link_record(r, seq_, hash_);
    store_->append({r}, {});
    seq_ = r.seq;
    hash_ = r.hash;
  }

 private:
  std::mutex mutex_;
  std::shared_ptr<bp::LogStore> store_;
  std::int64_t seq_ = 0;
  std::string hash_ = bp::genesis_hash();
};

template <typename AppendOne>
void run_writers(int writers, AppendOne&& append_one) {
  std::vector<std::thread> threads;
  for (int w = 0; w < writers; ++w) {
    threads.emplace_back([&] {
      for (int i = 0; i < kRecordsPerIteration / writers; ++i) append_one();
    });
  }
  for (auto& t : threads) t.join();
}

void BM_ProcessingLog(benchmark::State& state, const std::string& kind, bool group) {
  const int writers = static_cast<int>(state.range(0));
  BenchDatabase db(kind);
  if (!db.available()) {
    state.SkipWithError("BRONPOORT_TEST_PG_DSN is not set");
    return;
  }
  auto store = db.open();
  std::int64_t records = 0;
  if (group) {
    bp::GroupCommitWriter writer(store, nullptr, bp::WriterOptions{});
    for (auto _ : state) {
      run_writers(writers, [&] {
        if (!writer.append({bench_record()}, std::chrono::seconds(30)).get().durable) {
          state.SkipWithError("commit failed");
        }
      });
      records += kRecordsPerIteration;
    }
    state.counters["batches"] = static_cast<double>(writer.stats().batches);
  } else {
    NaiveWriter writer(store);
    for (auto _ : state) {
      run_writers(writers, [&] { writer.append(bench_record()); });
      records += kRecordsPerIteration;
    }
  }
  state.counters["records_per_s"] =
      benchmark::Counter(static_cast<double>(records), benchmark::Counter::kIsRate);
}

double cpu_seconds() {
  rusage u{};
  ::getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

void BM_ProcessingLogIndex(benchmark::State& state, bool random_keys) {
  constexpr int kBatch = 64;
  BenchDatabase db("sqlite");
  auto store = db.open();
  std::mt19937_64 rng(42);
  auto hex = [&](std::size_t chars) {
    static const char* digits = "0123456789abcdef";
    std::string out(chars, '0');
    for (auto& c : out) c = digits[rng() % 16];
    return out;
  };
  std::int64_t seq = 0;
  std::string prev = bp::genesis_hash();
  auto append = [&](int batches) {
    for (int b = 0; b < batches; ++b) {
      std::vector<bp::LogRecord> records;
      for (int i = 0; i < kBatch; ++i) {
        bp::LogRecord r = bench_record();
        r.chain_id = "bench";
        r.logged_at_us = 1700000000000000 + seq;
        if (random_keys) {
          r.trace_id = hex(32);
          r.data_subject_id = hex(64);
        }
        link_record(r, seq++, prev);
        prev = r.hash;
        records.push_back(std::move(r));
      }
      store->append(records, {});
    }
    store->flush();
  };
  append(200000 / kBatch);
  double cpu = 0;
  std::int64_t records = 0;
  for (auto _ : state) {
    double before = cpu_seconds();
    append(20000 / kBatch);
    cpu += cpu_seconds() - before;
    records += 20000 / kBatch * kBatch;
  }
  state.counters["cpu_us_per_record"] = cpu * 1e6 / static_cast<double>(records);
  state.counters["records_per_s"] =
      benchmark::Counter(static_cast<double>(records), benchmark::Counter::kIsRate);
}

void register_all() {
  for (bool random_keys : {false, true}) {
    std::string name =
        std::string("ProcessingLogIndex/sqlite/") + (random_keys ? "random-keys" : "same-keys");
    benchmark::RegisterBenchmark(name.c_str(), BM_ProcessingLogIndex, random_keys)
        ->Iterations(3)
        ->UseRealTime()
        ->Unit(benchmark::kMillisecond);
  }
  for (const char* kind : {"sqlite", "postgres"}) {
    for (bool group : {false, true}) {
      std::string name = std::string("ProcessingLog/") + kind + (group ? "/group" : "/naive");
      benchmark::RegisterBenchmark(name.c_str(), BM_ProcessingLog, std::string(kind), group)
          ->Arg(1)
          ->Arg(32)
          ->ArgName("writers")
          ->Iterations(2)
          ->UseRealTime()
          ->Unit(benchmark::kMillisecond);
    }
  }
}

const int registered = (register_all(), 0);

}  // namespace
