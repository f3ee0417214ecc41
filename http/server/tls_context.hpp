#pragma once

// The server's TLS configuration as an OpenSSL SSL_CTX: certificate, key, optional
// client CA, TLS 1.2+ with modern ciphers. No sockets.

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

struct ssl_ctx_st;

namespace onevalue {

/// The HTTPS listener's settings (part of `http_server_settings`).
struct tls_settings {
  /// Serve HTTPS on `port` (config: `https-port` != 0).
  bool enabled = false;
  /// TCP port of the HTTPS listener, on the same address as plain HTTP; 0 picks a free
  /// port (see `http_server::tls_port()`).
  uint16_t port = 0;
  /// PEM certificate chain (the server's certificate first, then intermediates).
  std::string cert_file;
  /// PEM private key of that certificate (unencrypted).
  std::string key_file;
  /// PEM CA certificate(s); when set, a client must present a certificate signed by
  /// one of them or the handshake fails. Empty: no client certificate is asked for.
  std::string client_ca_file;
  /// How long a new connection may take to complete its TLS handshake before it is
  /// closed. Bounds what a client that connects and sends nothing holds; too short
  /// fails clients on slow, lossy links.
  std::chrono::milliseconds handshake_timeout{5000};
};

/// An SSL_CTX built from `tls_settings`, shared read-only by every event loop (OpenSSL
/// allows SSL_new on one context from several threads). Owned by http_server.
class tls_context {
public:
  /// Loads the files; check `error()`.
  explicit tls_context(const tls_settings& settings);
  ~tls_context();

  tls_context(const tls_context&) = delete;
  tls_context& operator=(const tls_context&) = delete;

  /// "" when ready, else what failed, naming the file and OpenSSL's reason, e.g.
  /// "cannot load the HTTPS key /etc/onevalue/key.pem: ... no such file".
  const std::string& error() const { return error_; }

  /// The context for new sessions; null if `error()` is set.
  ssl_ctx_st* native() const { return ctx_; }

private:
  ssl_ctx_st* ctx_ = nullptr;
  std::string error_;
};

/// OpenSSL's most recent error on this thread as text (and clears the queue); `fallback`
/// if there is none.
std::string last_tls_error(const char* fallback);

} // namespace onevalue
