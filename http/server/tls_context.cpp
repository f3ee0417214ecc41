#include "http/server/tls_context.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>

namespace onevalue {

namespace {

/// TLS 1.2 suites: forward-secret ECDHE with AEAD ciphers only (Mozilla's
/// "intermediate" list without the DHE suites). TLS 1.3 uses OpenSSL's defaults,
/// which are all AEAD.
constexpr const char* tls12_ciphers = "ECDHE-ECDSA-AES128-GCM-SHA256:"
                                      "ECDHE-RSA-AES128-GCM-SHA256:"
                                      "ECDHE-ECDSA-AES256-GCM-SHA384:"
                                      "ECDHE-RSA-AES256-GCM-SHA384:"
                                      "ECDHE-ECDSA-CHACHA20-POLY1305:"
                                      "ECDHE-RSA-CHACHA20-POLY1305";

/// Needed for session resumption when client certificates are verified.
constexpr unsigned char session_id_context[] = "onevalue-https";

} // namespace

std::string last_tls_error(const char* fallback) {
  auto code = ERR_get_error();
  ERR_clear_error();
  if (code == 0)
    return fallback;
  // The reason alone ("No such file or directory", "key values mismatch") reads best.
  if (const char* reason = ERR_reason_error_string(code))
    return reason;
  char text[256];
  ERR_error_string_n(code, text, sizeof(text));
  return text;
}

tls_context::tls_context(const tls_settings& settings) {
  ERR_clear_error();
  ctx_ = SSL_CTX_new(TLS_server_method());
  if (ctx_ == nullptr) {
    error_ = "cannot create a TLS context: " + last_tls_error("out of memory");
    return;
  }
  SSL_CTX_set_min_proto_version(ctx_, TLS1_2_VERSION);
  SSL_CTX_set_options(ctx_, SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE
                                | SSL_OP_NO_COMPRESSION);
  // Idle connections give their read and write buffers back (~34 KB each).
  SSL_CTX_set_mode(ctx_, SSL_MODE_RELEASE_BUFFERS);
  SSL_CTX_set_session_id_context(ctx_, session_id_context,
                                 sizeof(session_id_context) - 1);
  if (SSL_CTX_set_cipher_list(ctx_, tls12_ciphers) != 1) {
    error_ = "cannot set the TLS ciphers: " + last_tls_error("unknown error");
  } else if (settings.cert_file.empty() || settings.key_file.empty()) {
    error_ = "HTTPS needs both a certificate file and a key file";
  } else if (SSL_CTX_use_certificate_chain_file(ctx_, settings.cert_file.c_str()) != 1) {
    error_ = "cannot load the HTTPS certificate " + settings.cert_file + ": "
             + last_tls_error("unreadable");
  } else if (SSL_CTX_use_PrivateKey_file(ctx_, settings.key_file.c_str(),
                                         SSL_FILETYPE_PEM)
             != 1) {
    error_ = "cannot load the HTTPS key " + settings.key_file + ": "
             + last_tls_error("unreadable");
  } else if (SSL_CTX_check_private_key(ctx_) != 1) {
    error_ = "the HTTPS key " + settings.key_file + " does not match the certificate "
             + settings.cert_file + ": " + last_tls_error("mismatch");
  } else if (!settings.client_ca_file.empty()) {
    auto* names = SSL_load_client_CA_file(settings.client_ca_file.c_str());
    if (names == nullptr
        || SSL_CTX_load_verify_locations(ctx_, settings.client_ca_file.c_str(), nullptr)
               != 1) {
      if (names != nullptr)
        sk_X509_NAME_pop_free(names, X509_NAME_free);
      error_ = "cannot load the HTTPS client CA " + settings.client_ca_file + ": "
               + last_tls_error("no certificate in it");
    } else {
      SSL_CTX_set_client_CA_list(ctx_, names);
      SSL_CTX_set_verify(ctx_, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT,
                         nullptr);
    }
  }
  if (!error_.empty()) {
    SSL_CTX_free(ctx_);
    ctx_ = nullptr;
  }
}

tls_context::~tls_context() {
  if (ctx_ != nullptr)
    SSL_CTX_free(ctx_);
}

} // namespace onevalue
