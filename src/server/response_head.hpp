#pragma once
// The status line and header block of a whole (not streamed) response, written without Beast's
// serializer. Beast's serializer walks a concatenation of buffer views once per write and built a
// field list per response: about 5 % of the gateway's CPU in the issue-13 benchmark
// (docs/performance.md). The bytes are exactly Beast's for the same message, keep_alive() and
// prepare_payload(): the tests compare them for every case this path takes. Private to
// src/server.

#include <bronpoort/core/headers.hpp>

#include <cstddef>
#include <optional>
#include <string>

namespace bronpoort::server {

// "HTTP/1.1 <code> <reason>\r\n", the headers in order, "Connection: close" when the connection
// is not kept, "Content-Length: <body_size>", then the blank line. nullopt for what this path
// leaves to Beast: statuses outside 200-599 or without a body (204, 304) and headers that Beast's
// keep_alive() and prepare_payload() would rewrite (Connection, Content-Length, Transfer-Encoding).
std::optional<std::string> response_head(int status, const HeaderMap& headers,
                                         std::size_t body_size, bool keep_alive);

}  // namespace bronpoort::server
