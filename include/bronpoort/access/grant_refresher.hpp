#pragma once
// Several instances share one PostgreSQL grant store. Each learns of grants and revocations made
// elsewhere from the store's notifications (LISTEN/NOTIFY): the refresh follows a change within
// milliseconds. A slow periodic refresh stays as the fallback, and runs every two seconds while
// the listening connection is down (then once more when it is back, for what it missed).

#include <bronpoort/access/access_service.hpp>
#include <bronpoort/access/access_store.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <thread>

namespace bronpoort::access {

struct GrantRefresherOptions {
  // Opens a listener; empty: poll only.
  std::function<std::unique_ptr<AccessChangeListener>()> open_listener;
  std::chrono::milliseconds fallback_interval{30000};  // with a working listener
  std::chrono::milliseconds poll_interval{2000};       // without one
};

// Starts the refresh loop; it stops when the returned thread is asked to stop (or destroyed).
std::jthread start_grant_refresher(std::shared_ptr<AccessService> service,
                                   GrantRefresherOptions options = {});

}  // namespace bronpoort::access
