#include "demo_server.hpp"

#include "demo_query.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <iostream>
#include <mutex>
#include <thread>

namespace bronpoort::demo {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

struct Route {
  std::string prefix;  // e.g. "/brp/persons/"
  const DemoTable* table;
};

class FaultSwitch {
 public:
  explicit FaultSwitch(Fault f) : fault_(std::move(f)) {}
  Fault get() {
    std::lock_guard lock(mutex_);
    return fault_;
  }
  void set(Fault f) {
    std::lock_guard lock(mutex_);
    fault_ = std::move(f);
  }

 private:
  std::mutex mutex_;
  Fault fault_;
};

struct Shared {
  Shared(std::shared_ptr<const DemoData> d, Fault f) : data(std::move(d)), faults(std::move(f)) {}
  std::shared_ptr<const DemoData> data;
  std::vector<Route> routes;
  FaultSwitch faults;
};

using Response = http::response<http::string_body>;

Response json_response(int status, const nlohmann::json& body, unsigned version) {
  Response res{static_cast<http::status>(status), version};
  res.set(http::field::content_type, "application/json");
  res.body() = body.dump();
  return res;
}

Response answer(Shared& shared, const http::request<http::string_body>& req) {
  std::string target(req.target());
  auto v = req.version();
  if (target == "/_health") return json_response(200, {{"status", "up"}}, v);
  if (target == "/_control/fault") {
    Fault f;
    if (req.method() == http::verb::put) {
      auto body = nlohmann::json::parse(req.body(), nullptr, false);
      if (!body.is_object()) return json_response(400, {{"error", "body must be an object"}}, v);
      f.mode = body.value("mode", "none");
      f.path = body.value("path", "");
      f.delay_ms = body.value("delayMs", 10000);
    }
    shared.faults.set(f);
    return json_response(200, {{"mode", f.mode}, {"path", f.path}, {"delayMs", f.delay_ms}}, v);
  }
  for (const auto& r : shared.routes) {
    if (target.rfind(r.prefix, 0) != 0) continue;
    std::string rest = target.substr(r.prefix.size());
    if (rest == "query" && req.method() == http::verb::post) {
      auto q = nlohmann::json::parse(req.body(), nullptr, false);
      if (q.is_discarded()) return json_response(400, {{"error", "body is not JSON"}}, v);
      auto a = run_query(*r.table, q);
      return json_response(a.status, a.body, v);
    }
    if (!rest.empty() && rest.find('/') == std::string::npos && req.method() == http::verb::get) {
      std::string id;
      for (std::size_t i = 0; i < rest.size(); ++i) {  // ids are plain; decode %XX anyway
        if (rest[i] == '%' && i + 2 < rest.size()) {
          id += static_cast<char>(std::stoi(rest.substr(i + 1, 2), nullptr, 16));
          i += 2;
        } else {
          id += rest[i];
        }
      }
      if (const auto* rec = r.table->find(id)) return json_response(200, *rec, v);
      return json_response(404, {{"error", "not found"}}, v);
    }
  }
  return json_response(404, {{"error", "no such path"}}, v);
}

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, std::shared_ptr<Shared> shared)
      : stream_(std::move(socket)), timer_(stream_.get_executor()), shared_(std::move(shared)) {}

  void start() { read(); }

 private:
  void read() {
    req_ = {};
    parser_.emplace();
    parser_->body_limit(1 << 20);
    stream_.expires_after(std::chrono::seconds(60));
    http::async_read(stream_, buffer_, *parser_,
                     beast::bind_front_handler(&Session::on_read, shared_from_this()));
  }

  void on_read(beast::error_code ec, std::size_t) {
    if (ec) return close();
    req_ = parser_->release();
    Fault f = shared_->faults.get();
    bool applies = f.mode != "none" && std::string(req_.target()).rfind(f.path, 0) == 0 &&
                   std::string(req_.target()).rfind("/_", 0) != 0;
    if (!applies) return send(answer(*shared_, req_));
    unsigned v = req_.version();
    if (f.mode == "slow") {
      timer_.expires_after(std::chrono::milliseconds(f.delay_ms));
      timer_.async_wait([self = shared_from_this()](beast::error_code) {
        self->send(answer(*self->shared_, self->req_));
      });
    } else if (f.mode == "reset") {
      beast::error_code ignored;
      stream_.socket().set_option(asio::socket_base::linger(true, 0), ignored);
      close();
    } else if (f.mode == "http-garbage") {
      auto junk = std::make_shared<std::string>("NOT HTTP AT ALL\r\n\r\n");
      asio::async_write(
          stream_.socket(), asio::buffer(*junk),
          [self = shared_from_this(), junk](beast::error_code, std::size_t) { self->close(); });
    } else if (f.mode == "garbage") {
      Response res{http::status::ok, v};
      res.set(http::field::content_type, "application/json");
      res.body() = "this is {not json";
      send(std::move(res));
    } else if (f.mode == "invalid") {
      send(json_response(200, {{"items", {{{"unexpected", true}}}}, {"bsn", 12}}, v));
    } else if (f.mode == "oversized") {
      Response res{http::status::ok, v};
      res.set(http::field::content_type, "application/json");
      static const std::string padding =
          "{\"items\": [], \"padding\": \"" + std::string(16 << 20, 'x') + "\"}";
      res.body() = padding;
      send(std::move(res));
    } else {  // error500
      send(json_response(500, {{"error", "simulated failure"}}, v));
    }
  }

  void send(Response res) {
    res.keep_alive(req_.keep_alive());
    res.prepare_payload();
    auto sp = std::make_shared<Response>(std::move(res));
    http::async_write(stream_, *sp,
                      [self = shared_from_this(), sp](beast::error_code ec, std::size_t) {
                        if (ec || !sp->keep_alive()) return self->close();
                        self->read();
                      });
  }

  void close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.socket().close(ignored);
  }

  beast::tcp_stream stream_;
  asio::steady_timer timer_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http::request<http::string_body> req_;
  std::shared_ptr<Shared> shared_;
};

void accept(tcp::acceptor& acceptor, asio::io_context& io, std::shared_ptr<Shared> shared) {
  acceptor.async_accept(asio::make_strand(io),
                        [&acceptor, &io, shared](beast::error_code ec, tcp::socket socket) {
                          if (!ec) std::make_shared<Session>(std::move(socket), shared)->start();
                          if (acceptor.is_open()) accept(acceptor, io, shared);
                        });
}

}  // namespace

int serve(std::shared_ptr<const DemoData> data, const ServerOptions& options) {
  auto shared = std::make_shared<Shared>(data, options.fault);
  shared->routes = {{"/brp/persons/", &data->persons},
                    {"/hr/businesses/", &data->businesses},
                    {"/bag/addresses/", &data->addresses},
                    {"/rwzi/measurements/", &data->measurements}};
  asio::io_context io;
  tcp::acceptor acceptor(io);
  tcp::endpoint ep(asio::ip::make_address(options.address), options.port);
  beast::error_code ec;
  acceptor.open(ep.protocol(), ec);
  if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(ep, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    std::cerr << "bronpoort-demo-source: cannot listen on " << options.address << ":"
              << options.port << ": " << ec.message() << "\n";
    return 1;
  }
  std::cout << "listening on " << options.address << ":" << acceptor.local_endpoint().port()
            << std::endl;
  accept(acceptor, io, shared);
  asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](beast::error_code, int) { io.stop(); });
  std::vector<std::thread> threads;
  for (std::size_t i = 1; i < options.threads; ++i) threads.emplace_back([&io] { io.run(); });
  io.run();
  for (auto& t : threads) t.join();
  return 0;
}

}  // namespace bronpoort::demo
