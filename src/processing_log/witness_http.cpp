// The witness over HTTP: a small server for `bronpoort witness` (one request per connection, on
// one thread: a witness answers a handful of checkpoints a minute) and the client the gateway and
// verify-log use to talk to it.

#include <bronpoort/processing_log/log_store.hpp>
#include <bronpoort/processing_log/witness.hpp>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <csignal>
#include <fstream>
#include <functional>
#include <iostream>

namespace bronpoort::processing_log {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

std::uint64_t unix_now() {
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::seconds>(
                                        std::chrono::system_clock::now().time_since_epoch())
                                        .count());
}

WitnessReply dispatch(Witness& witness, const http::request<http::string_body>& req) {
  std::string target(req.target());
  if (req.method() == http::verb::post && target == "/add-checkpoint") {
    return witness.add_checkpoint(req.body(), unix_now());
  }
  const std::string prefix = "/checkpoints/";
  if (req.method() == http::verb::get && target.rfind(prefix, 0) == 0) {
    return witness.latest(target.substr(prefix.size()));
  }
  return {404, "text/plain; charset=utf-8", "not found\n"};
}

// One request per connection; everything runs on the one thread of the witness's io_context, so
// the witness's decisions never overlap. A slow or silent client is cut off by the stream's timer.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, Witness& witness) : stream_(std::move(socket)), witness_(witness) {
    parser_.body_limit(1 << 20);
  }
  void start() {
    stream_.expires_after(std::chrono::seconds(5));
    http::async_read(stream_, buffer_, parser_,
                     beast::bind_front_handler(&Session::on_read, shared_from_this()));
  }

 private:
  void on_read(beast::error_code ec, std::size_t) {
    if (ec) return;
    WitnessReply reply;
    try {
      reply = dispatch(witness_, parser_.get());
    } catch (const std::exception& e) {
      std::cerr << "witness: " << e.what() << "\n";
      reply = {503, "text/plain; charset=utf-8", "witness store unavailable\n"};
    }
    res_ = http::response<http::string_body>{static_cast<http::status>(reply.status), 11};
    res_.set(http::field::content_type, reply.content_type);
    res_.body() = std::move(reply.body);
    res_.prepare_payload();
    res_.keep_alive(false);
    stream_.expires_after(std::chrono::seconds(5));
    http::async_write(stream_, res_,
                      beast::bind_front_handler(&Session::on_write, shared_from_this()));
  }
  void on_write(beast::error_code, std::size_t) {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  http::request_parser<http::string_body> parser_;
  http::response<http::string_body> res_;
  Witness& witness_;
};

int usage() {
  std::cerr << "usage: bronpoort witness --config FILE\n";
  return 2;
}

}  // namespace

int run_witness_command(int argc, char** argv) {
  std::string config_path;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--config" && i + 1 < argc) {
      config_path = argv[++i];
    } else {
      return usage();
    }
  }
  if (config_path.empty()) return usage();
  std::ifstream in(config_path);
  auto j = nlohmann::json::parse(in, nullptr, false);
  auto base = std::filesystem::path(config_path).parent_path();
  auto resolve = [&](const std::string& p) {
    std::filesystem::path path(p);
    return path.is_absolute() ? path : base / path;
  };
  auto text = [&](const nlohmann::json& o, const char* key) -> std::string {
    return o.is_object() && o.contains(key) && o[key].is_string() ? o[key].get<std::string>() : "";
  };
  if (!j.is_object() || text(j, "name").empty() || text(j, "keyFile").empty() ||
      text(j, "storePath").empty() || !j.contains("logs") || !j["logs"].is_array()) {
    std::cerr << config_path
              << ": needs name, keyFile, storePath and logs [{origin, publicKeyFile}]\n";
    return 2;
  }
  std::string error;
  std::shared_ptr<const NoteSigner> key =
      NoteSigner::from_pem_file(resolve(text(j, "keyFile")), text(j, "name"), error);
  if (!key) {
    std::cerr << config_path << ":/keyFile: " << error << "\n";
    return 2;
  }
  std::vector<WitnessedLog> logs;
  for (std::size_t i = 0; i < j["logs"].size(); ++i) {
    const auto& l = j["logs"][i];
    std::shared_ptr<const NoteVerifier> v =
        NoteVerifier::from_pem_file(resolve(text(l, "publicKeyFile")), text(l, "origin"), error);
    if (!v) {
      std::cerr << config_path << ":/logs/" << i << ": " << error << "\n";
      return 2;
    }
    logs.push_back({text(l, "origin"), std::move(v)});
  }
  try {
    auto store = resolve(text(j, "storePath"));
    std::error_code dir_error;
    std::filesystem::create_directories(store.parent_path(), dir_error);
    Witness witness(store, key, std::move(logs));
    asio::io_context ioc;
    std::string host = text(j, "listen").empty() ? "127.0.0.1" : text(j, "listen");
    auto port = static_cast<unsigned short>(j.value("port", 8091));
    tcp::acceptor acceptor(ioc, {asio::ip::make_address(host), port});
    std::cout << "witness listening on " << host << ":" << acceptor.local_endpoint().port()
              << std::endl;
    asio::signal_set signals(ioc, SIGINT, SIGTERM);
    signals.async_wait([&](beast::error_code, int) {
      beast::error_code ignored;
      acceptor.close(ignored);
    });
    std::function<void()> accept_next = [&] {
      acceptor.async_accept([&](beast::error_code ec, tcp::socket socket) {
        if (ec) return;  // closed on a signal
        std::make_shared<Session>(std::move(socket), witness)->start();
        accept_next();
      });
    };
    accept_next();
    ioc.run();
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "witness: " << e.what() << "\n";
    return 3;
  }
}

std::optional<HttpReply> witness_request(const std::string& base_url, const std::string& method,
                                         const std::string& target, const std::string& body,
                                         int timeout_ms) {
  const std::string scheme = "http://";
  if (base_url.rfind(scheme, 0) != 0) return std::nullopt;
  std::string authority = base_url.substr(scheme.size());
  if (auto slash = authority.find('/'); slash != std::string::npos) authority.resize(slash);
  auto colon = authority.rfind(':');
  std::string host = colon == std::string::npos ? authority : authority.substr(0, colon);
  std::string port = colon == std::string::npos ? "80" : authority.substr(colon + 1);
  try {
    asio::io_context ioc;
    tcp::resolver resolver(ioc);
    beast::tcp_stream stream(ioc);
    http::request<http::string_body> req{method == "POST" ? http::verb::post : http::verb::get,
                                         target, 11};
    req.set(http::field::host, authority);
    req.set(http::field::content_type, "text/plain; charset=utf-8");
    req.body() = body;
    req.prepare_payload();
    beast::flat_buffer buffer;
    http::response<http::string_body> res;
    beast::error_code failure;
    // Connect, write and read under one deadline, so an unreachable witness costs at most that.
    stream.expires_after(std::chrono::milliseconds(timeout_ms));
    auto endpoints = resolver.resolve(host, port);
    stream.async_connect(endpoints, [&](beast::error_code ec, const tcp::endpoint&) {
      if (ec) {
        failure = ec;
        return;
      }
      http::async_write(stream, req, [&](beast::error_code wec, std::size_t) {
        if (wec) {
          failure = wec;
          return;
        }
        http::async_read(stream, buffer, res,
                         [&](beast::error_code rec, std::size_t) { failure = rec; });
      });
    });
    ioc.run();
    if (failure) return std::nullopt;
    return HttpReply{static_cast<int>(res.result_int()), res.body()};
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

}  // namespace bronpoort::processing_log
