// The response head written without Beast's serializer must be byte for byte what Beast writes
// for the same message: the session used Beast for every response before, and clients (and the
// issue-13 rule that responses stay byte-for-byte the same) depend on it.

#include "../../../src/server/response_head.hpp"

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <gtest/gtest.h>

#include <sstream>

namespace bronpoort::server {
namespace {

namespace http = boost::beast::http;

// What the session wrote with Beast: the message, keep_alive(), prepare_payload(), serialized.
std::string beast_bytes(int status, const HeaderMap& headers, const std::string& body, bool keep) {
  http::response<http::string_body> r(static_cast<http::status>(status), 11);
  for (const auto& [name, value] : headers.entries()) r.insert(name, value);
  r.body() = body;
  r.keep_alive(keep);
  r.prepare_payload();
  std::ostringstream out;
  out << r;
  return out.str();
}

HeaderMap headers_of(std::initializer_list<HeaderMap::Entry> entries) {
  HeaderMap h;
  for (const auto& [name, value] : entries) h.add(name, value);
  return h;
}

TEST(ResponseHead, IsWhatBeastWritesForEveryResponseItTakes) {
  const HeaderMap problem = headers_of({{"Content-Type", "application/problem+json"},
                                        {"API-Version", "1.0.0"},
                                        {"traceparent", "00-0123-4567-01"},
                                        {"X-Content-Type-Options", "nosniff"}});
  const HeaderMap repeated = headers_of(
      {{"Set-Cookie", "a=1"}, {"set-cookie", "b=2"}, {"x-lower", "v"}, {"Retry-After", "1"}});
  const HeaderMap none;
  const std::string json = R"({"id":"1","street":"Dorpsstraat"})";
  for (int status : {200, 201, 202, 206, 299, 301, 400, 401, 403, 404, 408,
                     409, 413, 422, 429, 431, 451, 500, 502, 503, 504, 599}) {
    for (const HeaderMap* headers : {&problem, &repeated, &none}) {
      for (const std::string& body : {json, std::string(), std::string(70000, 'x')}) {
        for (bool keep : {true, false}) {
          auto head = response_head(status, *headers, body.size(), keep);
          ASSERT_TRUE(head) << status;
          EXPECT_EQ(*head + body, beast_bytes(status, *headers, body, keep))
              << status << " keep " << keep << " body " << body.size();
        }
      }
    }
  }
}

TEST(ResponseHead, LeavesToBeastWhatItWouldRewrite) {
  // Statuses without a body, and headers keep_alive() or prepare_payload() change.
  for (int status : {100, 101, 204, 304, 600, 0}) {
    EXPECT_FALSE(response_head(status, {}, 0, true)) << status;
  }
  for (const char* name : {"Connection", "content-length", "Transfer-Encoding"}) {
    EXPECT_FALSE(response_head(200, headers_of({{name, "x"}}), 0, true)) << name;
  }
}

}  // namespace
}  // namespace bronpoort::server
