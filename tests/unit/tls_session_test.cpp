// The TLS session over memory buffers, driven without sockets: an OpenSSL client in
// memory talks to it, and the test carries the bytes between them.

#include "http/server/tls_session.hpp"

#include "http/server/tls_context.hpp"
#include "test_certificates.hpp"

#include <doctest/doctest.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include <string>

using namespace onevalue;
using namespace onevalue::testing;

namespace {

/// A client SSL over memory BIOs.
class memory_client {
public:
  explicit memory_client(int version = 0) {
    ctx_ = SSL_CTX_new(TLS_client_method());
    SSL_CTX_set_security_level(ctx_, 0);
    if (version != 0) {
      SSL_CTX_set_min_proto_version(ctx_, version);
      SSL_CTX_set_max_proto_version(ctx_, version);
    }
    ssl_ = SSL_new(ctx_);
    SSL_set_bio(ssl_, BIO_new(BIO_s_mem()), BIO_new(BIO_s_mem()));
    SSL_set_connect_state(ssl_);
  }
  ~memory_client() {
    SSL_free(ssl_);
    SSL_CTX_free(ctx_);
  }
  memory_client(const memory_client&) = delete;
  memory_client& operator=(const memory_client&) = delete;

  /// Advances the client's handshake; what it wants to send.
  std::string step() {
    ERR_clear_error();
    SSL_do_handshake(ssl_);
    return take();
  }
  bool connected() const { return SSL_is_init_finished(ssl_) == 1; }

  void give(const std::string& bytes) {
    BIO_write(SSL_get_rbio(ssl_), bytes.data(), static_cast<int>(bytes.size()));
  }
  std::string take() {
    std::string out;
    char buffer[4096];
    int got = 0;
    while ((got = BIO_read(SSL_get_wbio(ssl_), buffer, sizeof(buffer))) > 0)
      out.append(buffer, static_cast<std::size_t>(got));
    return out;
  }
  std::string encrypt(const std::string& plain) {
    SSL_write(ssl_, plain.data(), static_cast<int>(plain.size()));
    return take();
  }
  std::string decrypt() {
    std::string out;
    char buffer[4096];
    int got = 0;
    while ((got = SSL_read(ssl_, buffer, sizeof(buffer))) > 0)
      out.append(buffer, static_cast<std::size_t>(got));
    return out;
  }
  std::string close() {
    SSL_shutdown(ssl_);
    return take();
  }

private:
  SSL_CTX* ctx_ = nullptr;
  SSL* ssl_ = nullptr;
};

struct session_fixture {
  tls_context context{[] {
    tls_settings s;
    s.enabled = true;
    s.cert_file = test_certificates::get().server_cert;
    s.key_file = test_certificates::get().server_key;
    return s;
  }()};
  tls_session server{context.native()};
  std::string plain;

  /// Carries bytes both ways until neither side has anything to say; the server's
  /// last result.
  tls_session::result handshake(memory_client& client) {
    auto result = tls_session::result::ok;
    for (int round = 0; round < 10; ++round) {
      auto to_server = client.step();
      std::string to_client;
      result = server.receive(to_server, plain, 1 << 20, to_client);
      client.give(to_client);
      if (result != tls_session::result::ok || (to_server.empty() && to_client.empty()))
        break;
    }
    client.step();
    return result;
  }
};

} // namespace

TEST_CASE_FIXTURE(session_fixture, "a handshake and data both ways, then close_notify") {
  REQUIRE(context.error() == "");
  REQUIRE(server.valid());
  memory_client client;
  CHECK_FALSE(server.handshake_done());
  REQUIRE(handshake(client) == tls_session::result::ok);
  CHECK(server.handshake_done());
  CHECK(client.connected());
  std::string wire;
  CHECK(server.receive(client.encrypt("GET /get HTTP/1.1\r\n"), plain, 1 << 20, wire)
        == tls_session::result::ok);
  CHECK(plain == "GET /get HTTP/1.1\r\n");
  wire.clear();
  REQUIRE(server.send("HTTP/1.1 200 OK\r\n", wire) == tls_session::result::ok);
  client.give(wire);
  CHECK(client.decrypt() == "HTTP/1.1 200 OK\r\n");
  wire.clear();
  server.close(wire);
  CHECK_FALSE(wire.empty());
  std::string again;
  server.close(again);
  CHECK(again.empty());
  plain.clear();
  CHECK(server.receive(client.close(), plain, 1 << 20, wire)
        == tls_session::result::closed);
}

TEST_CASE_FIXTURE(session_fixture,
                  "decrypting stops at the cap and resumes on empty input") {
  memory_client client;
  REQUIRE(handshake(client) == tls_session::result::ok);
  std::string records;
  for (int i = 0; i < 4; ++i)
    records += client.encrypt(std::string(1000, static_cast<char>('a' + i)));
  std::string wire;
  CHECK(server.receive(records, plain, 1500, wire) == tls_session::result::ok);
  CHECK(plain.size() == 2000); // two whole records: the cap is checked between records
  CHECK(server.receive({}, plain, 1 << 20, wire) == tls_session::result::ok);
  CHECK(plain.size() == 4000);
  CHECK(plain.substr(3000) == std::string(1000, 'd'));
}

TEST_CASE_FIXTURE(session_fixture,
                  "garbage fails the session with an alert and a reason") {
  std::string wire;
  CHECK(server.receive("GET / HTTP/1.1\r\nHost: x\r\n\r\n", plain, 1 << 20, wire)
        == tls_session::result::failed);
  CHECK_FALSE(server.error().empty());
  CHECK(plain.empty());
  std::string later;
  CHECK(server.receive("more", plain, 1 << 20, later) == tls_session::result::failed);
  CHECK(server.send("x", later) == tls_session::result::failed);
}

TEST_CASE_FIXTURE(session_fixture,
                  "TLS 1.1 fails the handshake; nothing can be sent before one") {
  std::string wire;
  CHECK(server.send("early", wire) == tls_session::result::failed);
  memory_client old{TLS1_1_VERSION};
  CHECK(handshake(old) == tls_session::result::failed);
  CHECK_FALSE(server.handshake_done());
}
