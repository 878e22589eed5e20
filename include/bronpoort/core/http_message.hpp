#pragma once
// The gateway's own view of one HTTP exchange. The server adapter converts Beast messages to and
// from these, so no stage depends on Beast.

#include <bronpoort/core/headers.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace bronpoort {

// The verified client certificate of a mutual-TLS connection.
struct ClientCertificate {
  std::string subject;            // RFC 2253 subject DN
  std::string serial_number;      // subject serialNumber attribute: the OIN in PKIoverheid
  std::string sha256_thumbprint;  // base64url SHA-256 of the DER certificate (RFC 8705 x5t#S256)
};

struct HttpRequest {
  std::string method;  // upper case, e.g. "GET"
  std::string target;  // as received: path and query
  std::string path;    // percent-decoded path without the query
  std::string raw_query;
  // Decoded query parameters in the order received; repeated keys are kept.
  std::vector<std::pair<std::string, std::string>> query;
  HeaderMap headers;
  std::string body;
  std::string remote_address;
  bool tls = false;
  std::optional<ClientCertificate> client_certificate;

  // First value of query parameter `key`.
  std::optional<std::string_view> query_param(std::string_view key) const;
};

// Produces a streamed response body piece by piece (chunked transfer encoding). `next` may block:
// the server calls it off the I/O threads. It returns nullopt at the end. Throwing or returning
// an error ends the stream by closing the connection, which the client sees as an incomplete body.
class ChunkSource {
 public:
  virtual ~ChunkSource() = default;
  virtual std::optional<std::string> next() = 0;
};

struct HttpResponse {
  int status = 200;
  HeaderMap headers;
  std::string body;
  // When set, the body is streamed from here and `body` is ignored.
  std::shared_ptr<ChunkSource> stream;
};

// Parses "a=1&b=x%20y" into decoded pairs; '+' means space. Returns false on malformed escapes.
bool parse_query(std::string_view raw, std::vector<std::pair<std::string, std::string>>& out);
// Percent-decodes a path; false on malformed escapes, an encoded NUL or a result that is not UTF-8.
bool percent_decode(std::string_view in, std::string& out, bool plus_is_space);
// Percent-encodes a query key or value (unreserved characters and ',' stay as they are).
std::string percent_encode(std::string_view in);
// The request's path and query for another page of the same list: every parameter kept in the
// order received, `page` replaced by `page`. For paging links.
std::string target_for_page(const HttpRequest& request, long long page);

}  // namespace bronpoort
