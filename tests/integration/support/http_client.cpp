#include "http_client.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>
#include <algorithm>
#include <cctype>

namespace bronpoort::testing {

struct Connection::Tls {
  SSL_CTX* ctx = nullptr;
  SSL* ssl = nullptr;
  ~Tls() {
    if (ssl) SSL_free(ssl);
    if (ctx) SSL_CTX_free(ctx);
  }
};

std::string Response::header(const std::string& name) const {
  std::string lower = name;
  std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
  auto it = headers.find(lower);
  return it == headers.end() ? "" : it->second;
}

Connection::Connection(std::uint16_t port, std::optional<TlsOptions> tls) {
  fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd_);
    fd_ = -1;
    return;
  }
  int one = 1;
  ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (!tls) return;
  tls_ = std::make_unique<Tls>();
  tls_->ctx = SSL_CTX_new(TLS_client_method());
  if (!tls->ca_file.empty()) {
    SSL_CTX_load_verify_locations(tls_->ctx, tls->ca_file.c_str(), nullptr);
    SSL_CTX_set_verify(tls_->ctx, SSL_VERIFY_PEER, nullptr);
  }
  if (!tls->certificate_file.empty()) {
    SSL_CTX_use_certificate_chain_file(tls_->ctx, tls->certificate_file.c_str());
    SSL_CTX_use_PrivateKey_file(tls_->ctx, tls->key_file.c_str(), SSL_FILETYPE_PEM);
  }
  tls_->ssl = SSL_new(tls_->ctx);
  SSL_set_fd(tls_->ssl, fd_);
  SSL_set_tlsext_host_name(tls_->ssl, "localhost");
  handshake_ok_ = SSL_connect(tls_->ssl) == 1;
  // With TLS 1.3 a refused client certificate shows up on the first read, not in the handshake;
  // callers detect that as a failed request.
}

Connection::~Connection() {
  tls_.reset();
  if (fd_ >= 0) ::close(fd_);
}

bool Connection::send(const std::string& bytes) {
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    long n = tls_ ? SSL_write(tls_->ssl, bytes.data() + sent, static_cast<int>(bytes.size() - sent))
                  : ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return false;
    sent += static_cast<std::size_t>(n);
  }
  return true;
}

long Connection::raw_read(char* buf, std::size_t n) {
  if (tls_) return SSL_read(tls_->ssl, buf, static_cast<int>(n));
  return ::recv(fd_, buf, n, 0);
}

bool Connection::fill(std::chrono::steady_clock::time_point deadline) {
  if (tls_ && SSL_pending(tls_->ssl) > 0) {
    char buf[16384];
    long n = raw_read(buf, sizeof buf);
    if (n <= 0) return false;
    buffer_.append(buf, static_cast<std::size_t>(n));
    return true;
  }
  auto remaining = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - std::chrono::steady_clock::now());
  if (remaining.count() <= 0) return false;
  pollfd p{fd_, POLLIN, 0};
  if (::poll(&p, 1, static_cast<int>(remaining.count())) <= 0) return false;
  char buf[16384];
  long n = raw_read(buf, sizeof buf);
  if (n <= 0) return false;
  buffer_.append(buf, static_cast<std::size_t>(n));
  return true;
}

std::optional<Response> Connection::read_response(std::chrono::milliseconds timeout) {
  if (fd_ < 0) return std::nullopt;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  std::size_t end;
  while ((end = buffer_.find("\r\n\r\n")) == std::string::npos) {
    if (!fill(deadline)) return std::nullopt;
  }
  Response r;
  std::string head = buffer_.substr(0, end);
  buffer_.erase(0, end + 4);
  auto line_end = head.find("\r\n");
  std::string status_line = head.substr(0, line_end);
  if (status_line.size() < 12) return std::nullopt;
  r.status = std::stoi(status_line.substr(9, 3));
  std::size_t pos = line_end == std::string::npos ? head.size() : line_end + 2;
  while (pos < head.size()) {
    auto next = head.find("\r\n", pos);
    std::string line = head.substr(pos, next == std::string::npos ? std::string::npos : next - pos);
    auto colon = line.find(':');
    if (colon != std::string::npos) {
      std::string name = line.substr(0, colon);
      std::transform(name.begin(), name.end(), name.begin(), ::tolower);
      std::string value = line.substr(colon + 1);
      value.erase(0, value.find_first_not_of(' '));
      r.headers[name] = value;
    }
    if (next == std::string::npos) break;
    pos = next + 2;
  }
  if (r.header("transfer-encoding") == "chunked") {
    while (true) {
      std::size_t crlf;
      while ((crlf = buffer_.find("\r\n")) == std::string::npos) {
        if (!fill(deadline)) return std::nullopt;
      }
      std::size_t size = std::stoul(buffer_.substr(0, crlf), nullptr, 16);
      while (buffer_.size() < crlf + 2 + size + 2) {
        if (!fill(deadline)) return std::nullopt;
      }
      r.body += buffer_.substr(crlf + 2, size);
      buffer_.erase(0, crlf + 2 + size + 2);
      if (size == 0) break;
    }
    return r;
  }
  std::size_t length =
      r.headers.count("content-length") ? std::stoul(r.header("content-length")) : 0;
  while (buffer_.size() < length) {
    if (!fill(deadline)) return std::nullopt;
  }
  r.body = buffer_.substr(0, length);
  buffer_.erase(0, length);
  return r;
}

bool Connection::closed_by_peer(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    auto remaining = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(std::max<long>(1, remaining.count()))) <= 0) return false;
    char buf[4096];
    long n = raw_read(buf, sizeof buf);
    if (n <= 0) return true;
  }
  return false;
}

std::string build_request(const std::string& method, const std::string& target,
                          const std::string& body, const std::string& extra_headers) {
  std::string r = method + " " + target + " HTTP/1.1\r\nHost: localhost\r\n";
  if (!extra_headers.empty()) r += extra_headers + "\r\n";
  if (!body.empty() || method == "POST")
    r += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  r += "\r\n" + body;
  return r;
}

std::optional<Response> request(std::uint16_t port, const std::string& method,
                                const std::string& target, const std::string& body,
                                const std::string& extra_headers) {
  Connection c(port);
  if (!c.connected() || !c.send(build_request(method, target, body, extra_headers))) {
    return std::nullopt;
  }
  return c.read_response();
}

void raise_fd_limit() {
  rlimit lim{};
  if (::getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur < lim.rlim_max) {
    lim.rlim_cur = lim.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &lim);
  }
}

}  // namespace bronpoort::testing
