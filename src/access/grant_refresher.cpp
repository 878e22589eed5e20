#include <bronpoort/access/grant_refresher.hpp>

#include <bronpoort/observability/logging.hpp>

#include <algorithm>
#include <condition_variable>
#include <mutex>

namespace bronpoort::access {
namespace {

// Slices of waiting, so that a stop is seen within this time whatever the listener does.
constexpr std::chrono::milliseconds kSlice{250};

void refresh(AccessService& service) {
  try {
    service.refresh();
  } catch (const std::exception& e) {
    observability::log_event(observability::Level::Warn, "grant-refresh-failed",
                             {{"reason", e.what()}});
  }
}

}  // namespace

std::jthread start_grant_refresher(std::shared_ptr<AccessService> service,
                                   GrantRefresherOptions options) {
  return std::jthread(
      [service = std::move(service), options = std::move(options)](std::stop_token stop) {
        std::mutex mu;
        std::condition_variable_any cv;
        std::unique_ptr<AccessChangeListener> listener;
        auto next_refresh = std::chrono::steady_clock::now();
        auto next_connect = std::chrono::steady_clock::now();
        while (!stop.stop_requested()) {
          const auto now = std::chrono::steady_clock::now();
          if (!listener && options.open_listener && now >= next_connect) {
            try {
              listener = options.open_listener();
              next_refresh = now;  // what changed while nobody listened
            } catch (const std::exception& e) {
              observability::log_event(observability::Level::Warn, "grant-listener-failed",
                                       {{"reason", e.what()}});
              next_connect = now + options.poll_interval;
            }
          }
          if (std::chrono::steady_clock::now() >= next_refresh) {
            refresh(*service);
            next_refresh = std::chrono::steady_clock::now() +
                           (listener ? options.fallback_interval : options.poll_interval);
          }
          const auto wait = std::clamp(std::chrono::duration_cast<std::chrono::milliseconds>(
                                           next_refresh - std::chrono::steady_clock::now()),
                                       std::chrono::milliseconds{1}, kSlice);
          if (listener) {
            try {
              if (listener->wait(wait)) next_refresh = std::chrono::steady_clock::now();
            } catch (const std::exception& e) {
              observability::log_event(observability::Level::Warn, "grant-listener-lost",
                                       {{"reason", e.what()}});
              listener.reset();
              next_connect = std::chrono::steady_clock::now();
            }
          } else {
            // wait_for returns at once once a stop is requested; the loop tests the stop itself.
            std::unique_lock lock(mu);
            cv.wait_for(lock, stop, wait, [] { return false; });
          }
        }
      });
}

}  // namespace bronpoort::access
