#pragma once
// Runs an io_context on the calling thread until it is stopped or runs out of work. A handler that
// throws does not end the thread (or, uncaught, the process): the throw is reported through
// core's report_failure and the loop runs on. Completions that answer a request guard themselves
// (complete_guarded in core/stage.hpp); this is the last line behind them.

#include <boost/asio/io_context.hpp>

namespace bronpoort::net {

void run_reporting_failures(boost::asio::io_context& io, const char* where);

}  // namespace bronpoort::net
