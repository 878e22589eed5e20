// The request to an HTTP source, written without Beast's serializer, must be byte for byte what
// Beast wrote for the same message (http_upstream.cpp built it with Beast before).

#include "../../../src/sources/http_connector.hpp"

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <gtest/gtest.h>

#include <sstream>

namespace bronpoort::sources {
namespace {

namespace http = boost::beast::http;

// The message exactly as the exchange built it with Beast, serialized.
std::string beast_bytes(const UpstreamRequest& request, const std::string& host_port) {
  http::request<http::string_body> msg;
  msg.method(request.method == "POST" ? http::verb::post : http::verb::get);
  msg.target(request.target);
  msg.version(11);
  msg.set(http::field::host, host_port);
  msg.set(http::field::user_agent, "bronpoort");
  msg.set(http::field::accept, "application/json");
  msg.keep_alive(true);
  if (!request.traceparent.empty()) msg.set("traceparent", request.traceparent);
  if (request.method == "POST") {
    msg.set(http::field::content_type, "application/json");
    msg.body() = request.body;
  }
  msg.prepare_payload();
  std::ostringstream out;
  out << msg;
  return out.str();
}

TEST(UpstreamRequestBytes, AreWhatBeastWroteForTheSameRequest) {
  for (const char* method : {"GET", "POST"}) {
    for (const char* target :
         {"/addresses/0363200000123456", "/persons?bsn=999993653&fields=name%2Cbirth", "/"}) {
      for (const char* traceparent :
           {"", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"}) {
        for (const std::string& body :
             {std::string(), std::string(R"({"q":["a","b"]})"), std::string(100000, 'x')}) {
          UpstreamRequest r;
          r.method = method;
          r.target = target;
          r.traceparent = traceparent;
          r.body = body;
          EXPECT_EQ(upstream_request_bytes(r, "127.0.0.1:8091"), beast_bytes(r, "127.0.0.1:8091"))
              << method << " " << target << " body " << body.size();
        }
      }
    }
  }
}

}  // namespace
}  // namespace bronpoort::sources
