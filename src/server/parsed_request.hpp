#pragma once
// A parsed HTTP request as the pipeline sees it: the counterpart of response_head.hpp, kept out
// of the connection's read and write sequence (session.cpp). Private to src/server.

#include <bronpoort/core/request_context.hpp>

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

namespace bronpoort::server {

// Fills ctx's trace (from a single traceparent header, else a new one) and its request's headers,
// method, target, decoded path and query, and body (moved out of `req`). False when the target is
// not an absolute path with valid percent-encoding: the caller answers 400.
bool fill_request(boost::beast::http::request<boost::beast::http::string_body>& req,
                  RequestContext& ctx);

}  // namespace bronpoort::server
