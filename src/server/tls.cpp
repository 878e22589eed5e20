#include "tls.hpp"

#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

namespace bronpoort::server {
namespace {

std::string base64url(const unsigned char* data, unsigned len) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  unsigned i = 0;
  for (; i + 2 < len; i += 3) {
    unsigned v = (data[i] << 16) | (data[i + 1] << 8) | data[i + 2];
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  if (len - i == 1) {
    unsigned v = data[i] << 16;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
  } else if (len - i == 2) {
    unsigned v = (data[i] << 16) | (data[i + 1] << 8);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
  }
  return out;
}

}  // namespace

std::shared_ptr<boost::asio::ssl::context> make_server_tls_context(const config::TlsConfig& tls,
                                                                   std::string& error) {
  namespace ssl = boost::asio::ssl;
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_server);
  boost::system::error_code ec;
  ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                       ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 |
                       ssl::context::single_dh_use,
                   ec);
  if (!ec) ctx->use_certificate_chain_file(tls.certificate_file.string(), ec);
  if (ec) {
    error = "cannot load certificate " + tls.certificate_file.string() + ": " + ec.message();
    return nullptr;
  }
  ctx->use_private_key_file(tls.private_key_file.string(), ssl::context::pem, ec);
  if (ec) {
    error = "cannot load private key " + tls.private_key_file.string() + ": " + ec.message();
    return nullptr;
  }
  if (!tls.client_ca_file.empty()) {
    ctx->load_verify_file(tls.client_ca_file.string(), ec);
    if (ec) {
      error = "cannot load client CA " + tls.client_ca_file.string() + ": " + ec.message();
      return nullptr;
    }
    auto mode = ssl::verify_peer;
    if (tls.require_client_certificate) mode |= ssl::verify_fail_if_no_peer_cert;
    ctx->set_verify_mode(mode);
  }
  return ctx;
}

std::optional<ClientCertificate> verified_client_certificate(ssl_st* ssl) {
  X509* cert = SSL_get0_peer_certificate(ssl);
  if (cert == nullptr || SSL_get_verify_result(ssl) != X509_V_OK) return std::nullopt;
  ClientCertificate out;
  X509_NAME* subject = X509_get_subject_name(cert);
  if (BIO* bio = BIO_new(BIO_s_mem())) {
    X509_NAME_print_ex(bio, subject, 0, XN_FLAG_RFC2253);
    char* data = nullptr;
    long n = BIO_get_mem_data(bio, &data);
    if (n > 0) out.subject.assign(data, static_cast<std::size_t>(n));
    BIO_free(bio);
  }
  int idx = X509_NAME_get_index_by_NID(subject, NID_serialNumber, -1);
  if (idx >= 0) {
    ASN1_STRING* value = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, idx));
    unsigned char* utf8 = nullptr;
    int len = ASN1_STRING_to_UTF8(&utf8, value);
    if (len > 0)
      out.serial_number.assign(reinterpret_cast<char*>(utf8), static_cast<std::size_t>(len));
    OPENSSL_free(utf8);
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned digest_len = 0;
  if (X509_digest(cert, EVP_sha256(), digest, &digest_len) == 1) {
    out.sha256_thumbprint = base64url(digest, digest_len);
  }
  return out;
}

}  // namespace bronpoort::server
