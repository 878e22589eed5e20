#include "grant_refresher.hpp"

#include <bronpoort/observability/logging.hpp>

#include <chrono>
#include <condition_variable>
#include <mutex>

namespace bronpoort::pipeline {

std::jthread start_grant_refresher(std::shared_ptr<access::AccessService> service) {
  return std::jthread([service = std::move(service)](std::stop_token stop) {
    std::mutex mu;
    std::condition_variable_any cv;
    std::unique_lock lock(mu);
    // wait_for returns at once, every time, once a stop is requested: the loop must test the
    // stop itself, or it would refresh in a busy loop and never end.
    while (!stop.stop_requested()) {
      cv.wait_for(lock, stop, std::chrono::seconds(2), [] { return false; });
      if (stop.stop_requested()) break;
      try {
        service->refresh();
      } catch (const std::exception& e) {
        observability::log_event(observability::Level::Warn, "grant-refresh-failed",
                                 {{"reason", e.what()}});
      }
    }
  });
}

}  // namespace bronpoort::pipeline
