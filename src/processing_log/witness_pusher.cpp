#include "witness_pusher.hpp"

#include <bronpoort/common/log.hpp>
#include <bronpoort/processing_log/log_proofs.hpp>
#include <bronpoort/processing_log/witness.hpp>

#include <charconv>

namespace bronpoort::processing_log {

WitnessPusher::WitnessPusher(std::shared_ptr<LogStore> store, std::vector<WitnessConfig> witnesses)
    : store_(std::move(store)), witnesses_(std::move(witnesses)) {
  thread_ = std::thread([this] { loop(); });
}

WitnessPusher::~WitnessPusher() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void WitnessPusher::push(const TreeHead& head) {
  if (witnesses_.empty()) return;
  {
    std::lock_guard lock(mutex_);
    // Only the newest head matters to a witness; older queued ones are covered by its proof.
    queue_.clear();
    queue_.push_back(head);
  }
  wake_.notify_one();
}

void WitnessPusher::loop() {
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) return;
    TreeHead head = std::move(queue_.front());
    queue_.pop_front();
    lock.unlock();
    for (const auto& w : witnesses_) {
      try {
        send(w, head);
      } catch (const std::exception& e) {
        common::log_event(common::Level::Warn, "witness-push-failed",
                          {{"witness", w.name}, {"treeSize", head.tree_size}, {"error", e.what()}});
      }
    }
    lock.lock();
  }
}

void WitnessPusher::send(const WitnessConfig& witness, const TreeHead& head) {
  const auto size = static_cast<std::uint64_t>(head.tree_size);
  std::uint64_t old = known_size_[witness.url];
  for (int attempt = 0; attempt < 2; ++attempt) {
    std::string body = "old " + std::to_string(old) + "\n";
    if (old > 0 && old < size) {
      ProofRefusal refusal;
      auto proof = make_consistency_proof(*store_, head.chain_id, old, size, refusal);
      if (!proof) throw StoreError(refusal.detail);
      for (const auto& h : proof->path) body += merkle::to_base64(h) + "\n";
    }
    body += "\n" + head.note;
    auto reply = witness_request(witness.url, "POST", "/add-checkpoint", body);
    if (!reply) {
      common::log_event(common::Level::Warn, "witness-unreachable",
                        {{"witness", witness.name}, {"url", witness.url}, {"treeSize", size}});
      return;
    }
    if (reply->status == 200) {
      known_size_[witness.url] = size;
      common::log_event(
          common::Level::Info, "witness-cosigned",
          {{"witness", witness.name}, {"chainId", head.chain_id}, {"treeSize", size}});
      return;
    }
    if (reply->status == 409 && attempt == 0) {
      // The witness has another size than we thought (a restart of the gateway): start there.
      std::uint64_t theirs = 0;
      auto text = reply->body;
      while (!text.empty() && text.back() == '\n') text.pop_back();
      auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), theirs);
      if (ec == std::errc() && p == text.data() + text.size()) {
        if (theirs > size) {
          // The witness has cosigned more records than the log has: it was rolled back or
          // truncated.
          common::log_event(common::Level::Error, "witness-saw-larger-tree",
                            {{"witness", witness.name},
                             {"chainId", head.chain_id},
                             {"witnessTreeSize", theirs},
                             {"treeSize", size}});
          return;
        }
        old = theirs;
        continue;
      }
    }
    common::log_event(common::Level::Error, "witness-refused",
                      {{"witness", witness.name},
                       {"chainId", head.chain_id},
                       {"treeSize", size},
                       {"status", reply->status},
                       {"reply", reply->body}});
    return;
  }
}

}  // namespace bronpoort::processing_log
