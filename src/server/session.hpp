#pragma once
// One client connection. It only reads requests and writes responses; the RequestHandler decides
// what to answer. All handlers run on the connection's I/O thread (its io_context has one). Private
// to src/server.

#include "deadline.hpp"
#include "session_host.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/serializer.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <memory>
#include <optional>
#include <string>

namespace bronpoort::server {

using PlainStream = boost::beast::tcp_stream;
using TlsStream = boost::beast::ssl_stream<boost::beast::tcp_stream>;

template <class Stream>
class Session final : public SessionBase, public std::enable_shared_from_this<Session<Stream>> {
 public:
  static constexpr bool kTls = std::is_same_v<Stream, TlsStream>;

  // `address` was admitted by the host (SessionHost::admit); the session releases it on close.
  // Member templates defined here rather than constrained constructors in session.cpp: clang 14
  // instantiates a constrained-out constructor on the explicit instantiation of the class (the TLS
  // one for the plain stream), which does not compile.
  template <class S = Stream>
  requires(!std::is_same_v<S, TlsStream>)
      Session(boost::asio::ip::tcp::socket socket, std::shared_ptr<SessionHost> host,
              std::string address)
      : stream_(std::move(socket)),
        host_(std::move(host)),
        timer_(stream_.get_executor()),
        deadline_(host_->limits.shortest_timeout()),
        remote_address_(std::move(address)) {}
  template <class S = Stream>
  requires(std::is_same_v<S, TlsStream>)
      Session(boost::asio::ip::tcp::socket socket, boost::asio::ssl::context& tls,
              std::shared_ptr<SessionHost> host, std::string address)
      : stream_(std::move(socket), tls),
        host_(std::move(host)),
        timer_(stream_.get_executor()),
        deadline_(host_->limits.shortest_timeout()),
        remote_address_(std::move(address)) {}
  ~Session() override;

  void start();
  void drain() override;
  void close_if_idle() override;

 private:
  enum class Phase { Handshake, Idle, Header, Body, Processing, Writing, Closed };

  void set_phase(Phase phase);
  void arm(std::chrono::milliseconds timeout);
  void disarm();
  void set_timer(std::chrono::steady_clock::time_point at);
  void on_timer(unsigned generation, boost::system::error_code ec);

  void on_handshake(boost::system::error_code ec);
  void new_parser();
  void do_read();
  void on_readable(boost::system::error_code ec);
  void on_first_bytes(boost::system::error_code ec, std::size_t n);
  void read_header();
  void on_header(boost::system::error_code ec, std::size_t n);
  void on_body(boost::system::error_code ec, std::size_t n);
  void on_read_error(boost::system::error_code ec);
  void dispatch_request();

  void write_response(std::shared_ptr<RequestContext> ctx);
  void respond_error(int status, const char* code, const std::string& detail);
  void on_write(bool keep_alive, boost::system::error_code ec, std::size_t n);
  void on_stream_head(boost::system::error_code ec, std::size_t n);
  void pull_chunk();
  void on_chunk(std::optional<std::string> chunk, bool failed);
  void on_chunk_written(boost::system::error_code ec, std::size_t n);
  void close();

  auto& socket() { return boost::beast::get_lowest_layer(stream_).socket(); }

  Stream stream_;
  std::shared_ptr<SessionHost> host_;
  boost::beast::flat_buffer buffer_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
  boost::asio::steady_timer timer_;
  Deadline deadline_;
  unsigned timer_generation_ = 0;
  bool timed_out_ = false;
  Phase phase_ = Phase::Handshake;
  bool first_request_ = true;
  bool draining_ = false;
  bool keep_alive_ = false;
  std::string remote_address_;
  std::optional<ClientCertificate> client_certificate_;

  std::shared_ptr<RequestContext> ctx_;  // the request being answered
  std::optional<boost::beast::http::response<boost::beast::http::string_body>> response_;
  // A whole response written without Beast's serializer (response_head.hpp): head and body.
  std::string response_head_;
  std::string response_body_;
  std::optional<boost::beast::http::response<boost::beast::http::empty_body>> stream_head_;
  std::optional<boost::beast::http::response_serializer<boost::beast::http::empty_body>> stream_sr_;
  std::string chunk_;
  std::string chunk_last_;
};

extern template class Session<PlainStream>;
extern template class Session<TlsStream>;

}  // namespace bronpoort::server
