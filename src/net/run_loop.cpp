#include <bronpoort/core/stage.hpp>
#include <bronpoort/net/run_loop.hpp>

#include <exception>

namespace bronpoort::net {

void run_reporting_failures(boost::asio::io_context& io, const char* where) {
  for (;;) {
    try {
      io.run();
      return;
    } catch (const std::exception& e) {
      report_failure(where, e.what());
    } catch (...) {
      report_failure(where, "unknown exception");
    }
  }
}

}  // namespace bronpoort::net
