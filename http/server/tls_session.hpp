#pragma once

// One server-side TLS session over memory buffers: ciphertext in, plaintext out and
// back. It never touches a socket, so the event loop keeps doing all socket I/O itself
// (non-blocking reads and MSG_NOSIGNAL sends, one write timeout for both kinds of
// connection) and the session can be driven by tests and fuzzers without one.

#include <cstddef>
#include <string>
#include <string_view>

struct ssl_st;
struct ssl_ctx_st;

namespace onevalue {

/// The TLS state of one HTTPS connection: an OpenSSL SSL object in server mode whose
/// read and write BIOs are memory buffers.
///
/// Owned by its connection; touched only by the event loop thread that owns that
/// connection. Every call runs the handshake as far as the bytes allow (SSL_do_handshake
/// until it stops on SSL_ERROR_WANT_READ) before application data. With memory BIOs
/// OpenSSL never asks to wait for writing (SSL_ERROR_WANT_WRITE): whatever it wants to
/// send is appended to the caller's output at once.
class tls_session {
public:
  /// How a call ended.
  enum class result {
    /// Progress (or nothing to do until more bytes arrive).
    ok,
    /// The peer sent close_notify: no more data will come.
    closed,
    /// A protocol or certificate error; `error()` says which. Send what the call
    /// appended to `wire_out` (the alert) and close the connection.
    failed,
  };

  /// A new session on `ctx` (not owned; must outlive the session); check `valid()`.
  explicit tls_session(ssl_ctx_st* ctx);
  ~tls_session();

  tls_session(const tls_session&) = delete;
  tls_session& operator=(const tls_session&) = delete;

  /// False if OpenSSL could not allocate the session.
  bool valid() const { return ssl_ != nullptr; }

  /// Takes `cipher` (bytes received from the peer, may be empty), advances the
  /// handshake and decrypts into `plain` until no complete record is left or `plain`
  /// holds at least `plain_cap` bytes (the rest stays buffered; call again with empty
  /// input to continue). Appends what must be sent to the peer (handshake messages,
  /// session tickets, alerts) to `wire_out`.
  result receive(std::string_view cipher, std::string& plain, std::size_t plain_cap,
                 std::string& wire_out);

  /// Encrypts `plain` (after the handshake) and appends the records to `wire_out`;
  /// `failed` if the session cannot send (no handshake yet, or a fatal error before).
  result send(std::string_view plain, std::string& wire_out);

  /// Appends a close_notify alert to `wire_out` (once; later calls append nothing).
  void close(std::string& wire_out);

  /// Whether the handshake completed.
  bool handshake_done() const;

  /// Why the last call failed ("" if none did).
  const std::string& error() const { return error_; }

private:
  /// Moves what OpenSSL wrote into the write BIO to `wire_out`.
  void drain(std::string& wire_out);
  /// Runs the handshake as far as the buffered input allows; false on failure.
  bool advance_handshake(std::string& wire_out);
  result fail(const char* fallback, std::string& wire_out);

  ssl_st* ssl_ = nullptr;
  bool failed_ = false;
  bool close_sent_ = false;
  std::string error_;
};

} // namespace onevalue
