#pragma once
// One run of a linked query for one request: checks, fetches the inputs one call after another,
// links and delivers. Lives until its last callback; the request context outlives it.

#include <bronpoort/linkage/endpoints.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace bronpoort::linkage {

enum class Delivery { Aggregate, Rows };

class Run : public std::enable_shared_from_this<Run> {
 public:
  // `slot` is the run's place among the concurrent runs, given back when the run answers.
  Run(std::shared_ptr<const LinkageEndpointOptions> options, const LinkedQuery& query,
      Delivery delivery, nlohmann::json filters, RequestContext& ctx, Resume done,
      std::shared_ptr<void> slot);

  // Checks every input's grant, then fetches; answers through `done`.
  void start();

 private:
  void fetch_next();
  void on_answer(InputAnswer answer);
  void deliver();
  void refuse(Problem problem);
  nlohmann::json input_summary() const;
  std::chrono::steady_clock::time_point now() const;

  std::shared_ptr<const LinkageEndpointOptions> options_;  // keeps config_ and query_ alive
  const LinkageConfig& config_;
  const LinkedQuery& query_;
  Delivery delivery_;
  nlohmann::json filters_;
  RequestContext& ctx_;
  Resume done_;

  std::vector<std::vector<nlohmann::json>> records_;  // per input
  std::vector<int> calls_;                            // per input
  std::size_t fetched_ = 0;
  std::size_t input_ = 0;
  int page_ = 1;
  std::vector<std::string> keys_;  // distinct keys of the first input, in first-seen order
  std::size_t batch_ = 0;
  std::vector<std::string> grants_;
  std::shared_ptr<void> slot_;
  std::chrono::steady_clock::time_point started_;
};

// The most keys one call to a later input asks for (the search body's `in` limit).
inline constexpr std::size_t kKeysPerCall = 100;

}  // namespace bronpoort::linkage
