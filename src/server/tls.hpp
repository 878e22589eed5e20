#pragma once
// TLS set-up for a listener and the identity of a verified client certificate. Private.

#include <bronpoort/config/gateway_config.hpp>
#include <bronpoort/core/http_message.hpp>

#include <boost/asio/ssl/context.hpp>

#include <memory>
#include <optional>
#include <string>

struct ssl_st;

namespace bronpoort::server {

// Builds the server context: TLS 1.2+, the certificate chain and key, and — when a client CA is
// configured — verification of client certificates (required or optional per config).
// Returns nullptr and sets `error` when the material cannot be loaded.
std::shared_ptr<boost::asio::ssl::context> make_server_tls_context(const config::TlsConfig& tls,
                                                                   std::string& error);

// The verified peer certificate of a finished handshake; nullopt when the client sent none or
// it did not verify.
std::optional<ClientCertificate> verified_client_certificate(ssl_st* ssl);

}  // namespace bronpoort::server
