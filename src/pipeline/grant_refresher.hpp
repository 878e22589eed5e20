#pragma once
// Several instances share one PostgreSQL grant store: each picks up grants and revocations made
// elsewhere by refreshing its access service every two seconds, on a thread of its own.

#include <bronpoort/access/access_service.hpp>

#include <memory>
#include <thread>

namespace bronpoort::pipeline {

// Starts the refresh loop; it stops when the returned thread is asked to stop (or destroyed).
std::jthread start_grant_refresher(std::shared_ptr<access::AccessService> service);

}  // namespace bronpoort::pipeline
