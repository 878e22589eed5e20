#pragma once
// A deliberately small HTTP/1.1 client over a raw socket (optionally TLS), so tests can send
// exactly the bytes they mean — malformed, slow or oversized — and see exactly what comes back.

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>

namespace bronpoort::testing {

struct Response {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  std::string header(const std::string& name) const;
};

struct TlsOptions {
  std::string ca_file;           // verify the server against this CA
  std::string certificate_file;  // client certificate (mutual TLS)
  std::string key_file;
};

class Connection {
 public:
  // Connects to 127.0.0.1:port; check connected() (a refused TLS handshake leaves it false).
  explicit Connection(std::uint16_t port, std::optional<TlsOptions> tls = std::nullopt);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  bool connected() const { return fd_ >= 0 && handshake_ok_; }
  bool send(const std::string& bytes);
  // Reads one response (Content-Length or chunked). nullopt on timeout or closed connection.
  std::optional<Response> read_response(
      std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // True when the peer has closed the connection (EOF) within `timeout`.
  bool closed_by_peer(std::chrono::milliseconds timeout);
  int fd() const { return fd_; }

 private:
  bool fill(std::chrono::steady_clock::time_point deadline);
  long raw_read(char* buf, std::size_t n);

  int fd_ = -1;
  bool handshake_ok_ = true;
  struct Tls;
  std::unique_ptr<Tls> tls_;
  std::string buffer_;
};

// One request on a fresh connection. `extra_headers` are full lines without CRLF.
std::optional<Response> request(std::uint16_t port, const std::string& method,
                                const std::string& target, const std::string& body = "",
                                const std::string& extra_headers = "");

std::string build_request(const std::string& method, const std::string& target,
                          const std::string& body = "", const std::string& extra_headers = "");

// Raises this process's open-file limit to the hard limit (for many-connection tests).
void raise_fd_limit();

}  // namespace bronpoort::testing
