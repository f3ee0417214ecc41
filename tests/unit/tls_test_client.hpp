#pragma once

// A blocking OpenSSL client for the TLS tests that need more control than httplib's
// client gives: the protocol version, the cipher list and the client certificate.

#include <doctest/doctest.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>

namespace onevalue::testing {

/// How the client connects.
struct tls_client_options {
  /// Protocol versions offered (TLS1_2_VERSION ...); 0 leaves OpenSSL's default.
  int min_version = 0;
  int max_version = 0;
  /// TLS 1.2 cipher list; "" leaves the default.
  std::string ciphers;
  /// CA that must have signed the server's certificate ("" skips verification).
  std::string ca_file;
  /// Client certificate and key ("" sends none).
  std::string cert_file;
  std::string key_file;
};

/// One TLS connection to 127.0.0.1:`port`; `handshake()` says whether it was
/// established. Reads give up after 10 s (a deadline for a broken server).
class tls_test_client {
public:
  tls_test_client(uint16_t port, const tls_client_options& options) {
    ctx_ = SSL_CTX_new(TLS_client_method());
    REQUIRE(ctx_ != nullptr);
    // Old versions must be offerable to test that the server refuses them (Debian's
    // default configuration would refuse them on the client side already).
    SSL_CTX_set_security_level(ctx_, 0);
    if (options.min_version != 0)
      SSL_CTX_set_min_proto_version(ctx_, options.min_version);
    if (options.max_version != 0)
      SSL_CTX_set_max_proto_version(ctx_, options.max_version);
    if (!options.ciphers.empty())
      REQUIRE(SSL_CTX_set_cipher_list(ctx_, options.ciphers.c_str()) == 1);
    if (!options.ca_file.empty()) {
      REQUIRE(SSL_CTX_load_verify_locations(ctx_, options.ca_file.c_str(), nullptr) == 1);
      SSL_CTX_set_verify(ctx_, SSL_VERIFY_PEER, nullptr);
    }
    if (!options.cert_file.empty()) {
      REQUIRE(
          SSL_CTX_use_certificate_file(ctx_, options.cert_file.c_str(), SSL_FILETYPE_PEM)
          == 1);
      REQUIRE(
          SSL_CTX_use_PrivateKey_file(ctx_, options.key_file.c_str(), SSL_FILETYPE_PEM)
          == 1);
    }
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0);
    timeval tv{10, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    ssl_ = SSL_new(ctx_);
    SSL_set_fd(ssl_, fd_);
  }

  ~tls_test_client() {
    SSL_free(ssl_);
    SSL_CTX_free(ctx_);
    ::close(fd_);
  }

  tls_test_client(const tls_test_client&) = delete;
  tls_test_client& operator=(const tls_test_client&) = delete;

  /// Runs the handshake; true if it completed.
  bool handshake() {
    ERR_clear_error();
    return SSL_connect(ssl_) == 1;
  }

  /// The negotiated cipher's name.
  std::string cipher() const { return SSL_get_cipher_name(ssl_); }

  /// The negotiated version, e.g. "TLSv1.3".
  std::string version() const { return SSL_get_version(ssl_); }

  /// Sends `request` and reads until the response framed by Content-Length is in;
  /// "" if the connection fails first (the server refused the client, e.g. a missing
  /// client certificate reported after a TLS 1.3 handshake).
  std::string exchange(const std::string& request) {
    if (SSL_write(ssl_, request.data(), static_cast<int>(request.size())) <= 0)
      return "";
    std::string in;
    char buffer[4096];
    for (;;) {
      auto head_end = in.find("\r\n\r\n");
      if (head_end != std::string::npos) {
        auto cl = in.find("Content-Length: ");
        std::size_t length = cl == std::string::npos ? 0 : std::stoul(in.substr(cl + 16));
        if (in.size() >= head_end + 4 + length)
          return in;
      }
      int got = SSL_read(ssl_, buffer, sizeof(buffer));
      if (got <= 0)
        return "";
      in.append(buffer, static_cast<std::size_t>(got));
    }
  }

  /// Sends `request` (which should end with `Connection: close`) and returns all the
  /// server sends until it closes.
  std::string exchange_until_close(const std::string& request) {
    if (SSL_write(ssl_, request.data(), static_cast<int>(request.size())) <= 0)
      return "";
    std::string in;
    char buffer[4096];
    int got = 0;
    while ((got = SSL_read(ssl_, buffer, sizeof(buffer))) > 0)
      in.append(buffer, static_cast<std::size_t>(got));
    return in;
  }

private:
  SSL_CTX* ctx_ = nullptr;
  SSL* ssl_ = nullptr;
  int fd_ = -1;
};

} // namespace onevalue::testing
