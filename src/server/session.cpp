#include "session.hpp"

#include "parsed_request.hpp"
#include "response_head.hpp"
#include "tls.hpp"

#include <bronpoort/core/api_version.hpp>
#include <bronpoort/observability/metrics.hpp>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/http/chunk_encode.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include <array>

namespace bronpoort::server {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using boost::system::error_code;

template <class Stream>
Session<Stream>::~Session() {
  host_->remove(this);
  host_->release(remote_address_);
  host_->metrics.connection_closed();
}

template <class Stream>
void Session<Stream>::set_phase(Phase phase) {
  phase_ = phase;
  idle_since.store(
      phase == Phase::Idle ? std::chrono::steady_clock::now().time_since_epoch().count() : 0,
      std::memory_order_relaxed);
}

template <class Stream>
void Session<Stream>::close_if_idle() {
  net::post(stream_.get_executor(), [self = this->shared_from_this()] {
    if (self->phase_ == Phase::Idle) self->close();
  });
}

template <class Stream>
void Session<Stream>::start() {
  host_->add(this, this->weak_from_this());
  host_->metrics.connection_opened();
  if constexpr (kTls) {
    set_phase(Phase::Handshake);
    arm(host_->limits.header_timeout);
    stream_.async_handshake(
        net::ssl::stream_base::server,
        beast::bind_front_handler(&Session::on_handshake, this->shared_from_this()));
  } else {
    do_read();
  }
}

template <class Stream>
void Session<Stream>::drain() {
  net::post(stream_.get_executor(), [self = this->shared_from_this()] {
    self->draining_ = true;
    // A connection waiting for its next request has nothing in flight: close it now. Busy ones
    // close after their response (keep-alive is turned off while draining).
    if (self->phase_ == Phase::Idle || self->phase_ == Phase::Handshake) self->close();
  });
}

// Our own timer instead of tcp_stream's: on expiry we cancel the pending read and can still
// answer 408, where tcp_stream would close the socket under us. deadline_ says when it must be
// set (deadline.hpp).
template <class Stream>
void Session<Stream>::arm(std::chrono::milliseconds timeout) {
  timed_out_ = false;
  if (auto at = deadline_.arm(std::chrono::steady_clock::now(), timeout)) set_timer(*at);
}

template <class Stream>
void Session<Stream>::disarm() {
  deadline_.disarm();
}

template <class Stream>
void Session<Stream>::set_timer(std::chrono::steady_clock::time_point at) {
  timer_.expires_at(at);
  timer_.async_wait(
      beast::bind_front_handler(&Session::on_timer, this->shared_from_this(), ++timer_generation_));
}

template <class Stream>
void Session<Stream>::on_timer(unsigned generation, error_code ec) {
  // A wait replaced by a newer one, or cancelled when the connection closed.
  if (generation != timer_generation_ || phase_ == Phase::Closed) return;
  if (ec) return deadline_.cancelled();
  std::optional<std::chrono::steady_clock::time_point> next;
  if (!deadline_.fired(std::chrono::steady_clock::now(), next)) {
    if (next) set_timer(*next);
    return;
  }
  timed_out_ = true;
  error_code ignored;
  socket().cancel(ignored);
}

template <class Stream>
void Session<Stream>::on_handshake(error_code ec) {
  disarm();
  if (ec) return close();
  if constexpr (kTls) client_certificate_ = verified_client_certificate(stream_.native_handle());
  do_read();
}

template <class Stream>
void Session<Stream>::new_parser() {
  parser_.emplace();
  parser_->header_limit(static_cast<std::uint32_t>(host_->limits.max_header_bytes));
  parser_->body_limit(host_->limits.max_body_bytes);
}

template <class Stream>
void Session<Stream>::do_read() {
  if (draining_ || host_->draining) return close();
  if (buffer_.size() > 0) {  // a pipelined request is already here
    new_parser();
    return read_header();
  }
  set_phase(Phase::Idle);
  // A new connection must start its request within the header timeout; a kept-alive one may
  // wait up to the idle timeout for the next.
  arm(first_request_ ? host_->limits.header_timeout : host_->limits.idle_timeout);
  if constexpr (kTls) {
    // OpenSSL may already hold decrypted bytes the socket no longer shows: read directly.
    new_parser();
    stream_.async_read_some(
        buffer_.prepare(4096),
        beast::bind_front_handler(&Session::on_first_bytes, this->shared_from_this()));
  } else {
    // An idle connection holds no read buffer and no parser: it waits for the socket to become
    // readable and only then allocates them (issue 13: idle keep-alive connections cost memory
    // for as long as clients keep them open).
    parser_.reset();
    buffer_.shrink_to_fit();
    socket().async_wait(boost::asio::ip::tcp::socket::wait_read,
                        beast::bind_front_handler(&Session::on_readable, this->shared_from_this()));
  }
}

template <class Stream>
void Session<Stream>::on_readable(error_code ec) {
  if (ec) return on_first_bytes(ec, 0);
  new_parser();
  stream_.async_read_some(
      buffer_.prepare(4096),
      beast::bind_front_handler(&Session::on_first_bytes, this->shared_from_this()));
}

template <class Stream>
void Session<Stream>::on_first_bytes(error_code ec, std::size_t n) {
  if (ec) {
    if (timed_out_ && first_request_)
      return respond_error(408, "request-timeout", "The request did not arrive in time.");
    return close();
  }
  buffer_.commit(n);
  read_header();
}

template <class Stream>
void Session<Stream>::read_header() {
  set_phase(Phase::Header);
  // Counted from the first byte: a client trickling its header (slowloris) is cut off here.
  arm(host_->limits.header_timeout);
  http::async_read_header(stream_, buffer_, *parser_,
                          beast::bind_front_handler(&Session::on_header, this->shared_from_this()));
}

template <class Stream>
void Session<Stream>::on_header(error_code ec, std::size_t) {
  if (ec) return on_read_error(ec);
  set_phase(Phase::Body);
  arm(host_->limits.body_timeout);
  http::async_read(stream_, buffer_, *parser_,
                   beast::bind_front_handler(&Session::on_body, this->shared_from_this()));
}

template <class Stream>
void Session<Stream>::on_body(error_code ec, std::size_t) {
  if (ec) return on_read_error(ec);
  disarm();
  dispatch_request();
}

template <class Stream>
void Session<Stream>::on_read_error(error_code ec) {
  if (timed_out_) {
    return respond_error(408, "request-timeout",
                         "The request was not received within the time allowed; send the whole "
                         "request without pauses.");
  }
  if (ec == http::error::header_limit) {
    return respond_error(431, "header-too-large",
                         "The request header is larger than " +
                             std::to_string(host_->limits.max_header_bytes) + " bytes.");
  }
  if (ec == http::error::body_limit) {
    return respond_error(413, "body-too-large",
                         "The request body is larger than " +
                             std::to_string(host_->limits.max_body_bytes) + " bytes.");
  }
  // Transport failures (reset, EOF, TLS errors) and a client leaving mid-message leave nobody to
  // answer. Only a parse error of the HTTP grammar itself gets a 400.
  const bool grammar_error =
      ec.category() == http::make_error_code(http::error::bad_target).category() &&
      ec != http::error::end_of_stream && ec != http::error::partial_message;
  if (!grammar_error) return close();
  respond_error(400, "malformed-request",
                "The request is not valid HTTP/1.1: " + ec.message() + ".");
}

template <class Stream>
void Session<Stream>::dispatch_request() {
  set_phase(Phase::Processing);
  auto& req = parser_->get();
  auto ctx = std::make_shared<RequestContext>();
  if (!fill_request(req, *ctx)) {
    return respond_error(
        400, "malformed-target",
        "The request target must be an absolute path with valid percent-encoding of UTF-8 "
        "text (e.g. %C3%A9 for é; a lone %FF is not).");
  }
  ctx->request.remote_address = remote_address_;
  ctx->request.tls = kTls;
  ctx->request.client_certificate = client_certificate_;
  keep_alive_ = req.keep_alive();
  ctx_ = ctx;
  ctx->post_home = [ex = stream_.get_executor()](std::function<void()> task) {
    net::post(ex, std::move(task));
  };
  host_->handler.handle(ctx, [self = this->shared_from_this(), ctx] {
    // Inline when the chain already finished on this connection's thread (the usual case once
    // the log stage resumes here), otherwise queued to it.
    net::dispatch(self->stream_.get_executor(), [self, ctx] { self->write_response(ctx); });
  });
}

template <class Stream>
void Session<Stream>::write_response(std::shared_ptr<RequestContext> ctx) {
  if (phase_ == Phase::Closed) return;
  set_phase(Phase::Writing);
  const bool keep = keep_alive_ && !draining_ && !host_->draining;
  auto& r = ctx->response;
  if (r.stream) {
    stream_head_.emplace(static_cast<http::status>(r.status), 11);
    for (const auto& [name, value] : r.headers.entries()) stream_head_->insert(name, value);
    stream_head_->keep_alive(keep);
    stream_head_->chunked(true);
    keep_alive_ = keep;
    stream_sr_.emplace(*stream_head_);
    arm(host_->limits.write_timeout);
    http::async_write_header(
        stream_, *stream_sr_,
        beast::bind_front_handler(&Session::on_stream_head, this->shared_from_this()));
    return;
  }
  if (auto head = response_head(r.status, r.headers, r.body.size(), keep)) {
    response_head_ = std::move(*head);
    response_body_ = std::move(r.body);
    arm(host_->limits.write_timeout);
    const std::array<net::const_buffer, 2> buffers{net::buffer(response_head_),
                                                   net::buffer(response_body_)};
    net::async_write(stream_, buffers,
                     beast::bind_front_handler(&Session::on_write, this->shared_from_this(), keep));
    return;
  }
  response_.emplace(static_cast<http::status>(r.status), 11);
  for (const auto& [name, value] : r.headers.entries()) response_->insert(name, value);
  response_->body() = std::move(r.body);
  response_->keep_alive(keep);
  response_->prepare_payload();
  arm(host_->limits.write_timeout);
  http::async_write(stream_, *response_,
                    beast::bind_front_handler(&Session::on_write, this->shared_from_this(), keep));
}

template <class Stream>
void Session<Stream>::respond_error(int status, const char* code, const std::string& detail) {
  // Errors found while reading: the connection's state is unknown afterwards, so it closes.
  auto ctx = std::make_shared<RequestContext>();
  ctx->trace = make_trace_context(std::nullopt);
  auto problem = make_problem(status, code, detail);
  ctx->response.status = status;
  ctx->response.body = problem.to_json("", ctx->trace.trace_id);
  ctx->response.headers.set("Content-Type", "application/problem+json");
  ctx->response.headers.set("API-Version", kApiVersion);
  ctx->response.headers.set("traceparent", ctx->trace.traceparent());
  ctx->response.headers.set("X-Content-Type-Options", "nosniff");
  keep_alive_ = false;
  host_->metrics.request_finished("server", "OTHER", status, std::chrono::nanoseconds(0));
  ctx_ = ctx;
  write_response(ctx);
}

template <class Stream>
void Session<Stream>::on_write(bool keep_alive, error_code ec, std::size_t) {
  disarm();
  response_.reset();
  std::string().swap(response_head_);
  std::string().swap(response_body_);
  stream_sr_.reset();
  stream_head_.reset();
  std::string().swap(chunk_);
  // The request is over once its answer is written: what it held (its organisation's concurrency
  // slot) goes now, before the next request on this connection is read. Waiting for the last
  // reference to the context would hold the slot while a thread that handed on the request's
  // completion (the log writer) has not yet dropped its copy, and the client's next request
  // could find the slot still taken and get a 429.
  if (ctx_) ctx_->holds.clear();
  ctx_.reset();
  if (ec || !keep_alive) return close();
  first_request_ = false;
  do_read();
}

template <class Stream>
void Session<Stream>::on_stream_head(error_code ec, std::size_t) {
  if (ec) return close();
  pull_chunk();
}

template <class Stream>
void Session<Stream>::pull_chunk() {
  // ChunkSource::next may block (it reads a database): run it off the I/O threads.
  auto source = ctx_->response.stream;
  host_->blocking.post([self = this->shared_from_this(), source] {
    std::optional<std::string> chunk;
    bool failed = false;
    try {
      chunk = source->next();
    } catch (...) {
      failed = true;
    }
    net::post(self->stream_.get_executor(), [self, chunk = std::move(chunk), failed]() mutable {
      self->on_chunk(std::move(chunk), failed);
    });
  });
}

template <class Stream>
void Session<Stream>::on_chunk(std::optional<std::string> chunk, bool failed) {
  if (phase_ == Phase::Closed) return;
  // A failed stream must not look complete: close without the terminating chunk.
  if (failed) return close();
  arm(host_->limits.write_timeout);
  if (!chunk) {
    net::async_write(
        stream_, http::make_chunk_last(),
        beast::bind_front_handler(&Session::on_write, this->shared_from_this(), keep_alive_));
    return;
  }
  if (chunk->empty()) return pull_chunk();  // an empty chunk would end the body
  chunk_ = std::move(*chunk);
  net::async_write(stream_, http::make_chunk(net::buffer(chunk_)),
                   beast::bind_front_handler(&Session::on_chunk_written, this->shared_from_this()));
}

template <class Stream>
void Session<Stream>::on_chunk_written(error_code ec, std::size_t) {
  if (ec) return close();
  pull_chunk();
}

template <class Stream>
void Session<Stream>::close() {
  if (phase_ == Phase::Closed) return;
  set_phase(Phase::Closed);
  disarm();
  // Ends the timer's wait now, so that it no longer holds the connection.
  timer_.cancel();
  error_code ignored;
  // Send FIN first so a client still reading gets the whole response, then release the socket.
  socket().shutdown(net::ip::tcp::socket::shutdown_send, ignored);
  socket().close(ignored);
}

template class Session<PlainStream>;
template class Session<TlsStream>;

}  // namespace bronpoort::server
