#pragma once
// One run of a linked query for one request: checks, fetches the inputs one call after another,
// links and delivers. Lives until its last callback; the request context outlives it.

#include <bronpoort/linkage/endpoints.hpp>
#include <bronpoort/linkage/linking.hpp>

#include <chrono>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace bronpoort::linkage {

enum class Delivery { Aggregate, Rows };

// The organisation a delivery is for: the token's organisation, or the mTLS certificate's OIN.
inline std::string recipient_of(const Identity& id) {
  if (!id.organisation.empty()) return id.organisation;
  return id.certificate_oin.value_or("");
}

class Run : public std::enable_shared_from_this<Run> {
 public:
  // `slot` is the run's place among the concurrent runs, given back when the run answers.
  Run(std::shared_ptr<const LinkageEndpointOptions> options, const LinkedQuery& query,
      Delivery delivery, nlohmann::json filters, RequestContext& ctx, Resume done,
      std::shared_ptr<void> slot);

  // Checks every input's grant, then fetches; answers through `done`.
  void start();

 private:
  // One call still to make for the current input: a batch of keys (0 for the first input) and a
  // page of its answer.
  struct Pending {
    std::size_t batch = 0;
    int page = 1;
  };

  void launch();
  void on_answer(Pending call, InputAnswer answer);
  // Under mu_: the calls of input_ (all its key batches), or nothing when it has no keys to ask.
  void queue_input_locked();
  InputCall make_call(const Pending& p) const;
  void deliver();
  // The population, cohort and ledger rules (release_rules.cpp); the refusal when the linked
  // rows may not go out.
  std::optional<Problem> release_problem(const std::vector<LinkedRow>& rows, nlohmann::json& audit);
  void refuse(Problem problem, nlohmann::json audit = nlohmann::json::object());
  nlohmann::json input_summary() const;
  std::chrono::steady_clock::time_point now() const;

  std::shared_ptr<const LinkageEndpointOptions> options_;  // keeps config_ and query_ alive
  const LinkageConfig& config_;
  const LinkedQuery& query_;
  Delivery delivery_;
  nlohmann::json filters_;
  RequestContext& ctx_;  // not touched once done_ ran: the request may be gone
  // What the input calls need of the caller (identity, purpose, trace, TLS), owned by the run:
  // a call can still be starting when another call's failure has answered the request.
  RequestContext caller_;
  Resume done_;

  // Answers may arrive on several threads at once; mu_ guards everything below.
  std::mutex mu_;
  bool finished_ = false;  // refused or delivered: later answers are dropped
  std::size_t in_flight_ = 0;
  std::deque<Pending> queue_;
  std::vector<std::vector<nlohmann::json>> records_;  // per input
  std::vector<int> calls_;                            // per input
  std::size_t fetched_ = 0;
  std::size_t input_ = 0;
  std::vector<std::string> keys_;  // distinct keys of the first input, in first-seen order
  std::vector<std::string> grants_;
  std::shared_ptr<void> slot_;
  std::chrono::steady_clock::time_point started_;
};

// The most keys one call to a later input asks for (the search body's `in` limit).
inline constexpr std::size_t kKeysPerCall = 100;
// Calls to a later input that run at once: its key batches do not depend on each other. The
// first input is read one page after another.
inline constexpr std::size_t kParallelCalls = 4;

}  // namespace bronpoort::linkage
