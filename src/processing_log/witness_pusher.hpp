#pragma once
// Hands every signed tree head to the configured witnesses, on a thread of its own so that the
// writer never waits on the network. Each witness is told the size it last cosigned and a
// consistency proof from there (C2SP tlog-witness); a witness that refuses is reported loudly,
// because a refusal means the log and the witness disagree about its history.

#include <bronpoort/processing_log/config.hpp>
#include <bronpoort/processing_log/log_store.hpp>

#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

namespace bronpoort::processing_log {

class WitnessPusher {
 public:
  WitnessPusher(std::shared_ptr<LogStore> store, std::vector<WitnessConfig> witnesses);
  // Pushes what is queued (the shutdown checkpoint included), then stops.
  ~WitnessPusher();
  void push(const TreeHead& head);

 private:
  void loop();
  void send(const WitnessConfig& witness, const TreeHead& head);

  std::shared_ptr<LogStore> store_;
  std::vector<WitnessConfig> witnesses_;
  std::map<std::string, std::uint64_t> known_size_;  // by witness url; writer thread only
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<TreeHead> queue_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace bronpoort::processing_log
