// The HTTPS listener: a real server on loopback with certificates made by the openssl
// command line tool, driven by httplib's TLS client and a raw OpenSSL client.

#include "http/server/http_server.hpp"

#include "http/api/router.hpp"
#include "http_test_support.hpp"
#include "test_certificates.hpp"
#include "tls_test_client.hpp"

#include <doctest/doctest.h>
#include <httplib.h>

#include <chrono>
#include <string>

using namespace onevalue;
using namespace onevalue::testing;

namespace {

http_server_settings https_settings(const std::string& client_ca = "") {
  const auto& certs = test_certificates::get();
  auto s = loopback_settings();
  s.tls.enabled = true;
  s.tls.port = 0;
  s.tls.cert_file = certs.server_cert;
  s.tls.key_file = certs.server_key;
  s.tls.client_ca_file = client_ca;
  return s;
}

/// An httplib TLS client that verifies the server against the test CA.
std::unique_ptr<httplib::SSLClient> verified_client(uint16_t port,
                                                    const std::string& cert = "",
                                                    const std::string& key = "") {
  auto cli = cert.empty()
                 ? std::make_unique<httplib::SSLClient>("127.0.0.1", port)
                 : std::make_unique<httplib::SSLClient>("127.0.0.1", port, cert, key);
  cli->set_ca_cert_path(test_certificates::get().ca_cert.c_str());
  cli->enable_server_certificate_verification(true);
  cli->set_read_timeout(std::chrono::seconds{10});
  return cli;
}

const std::string get_request = "GET /get HTTP/1.1\r\nHost: x\r\n\r\n";

} // namespace

TEST_CASE("plain HTTP and HTTPS are served side by side by the same loops") {
  loopback_backend backend;
  http_server server{api_handler(backend, router_limits{64, nullptr}), https_settings()};
  REQUIRE(server.start() == "");
  REQUIRE(server.port() != 0);
  REQUIRE(server.tls_port() != 0);
  CHECK(server.tls_port() != server.port());
  auto tls = verified_client(server.tls_port());
  auto get = tls->Get("/get");
  REQUIRE(get);
  CHECK(get->status == 200);
  CHECK(get->body == "42\n");
  auto put = tls->Put("/v1/value", "-12", "text/plain");
  REQUIRE(put);
  CHECK(put->status == 200);
  CHECK(backend.last_write() == -12);
  httplib::Client plain{"127.0.0.1", server.port()};
  auto plain_get = plain.Get("/get");
  REQUIRE(plain_get);
  CHECK(plain_get->body == "42\n");
}

TEST_CASE("500 keep-alive requests go over one TLS connection") {
  loopback_backend backend;
  http_server server{api_handler(backend, router_limits{64, nullptr}), https_settings()};
  REQUIRE(server.start() == "");
  auto tls = verified_client(server.tls_port());
  tls->set_keep_alive(true);
  for (int i = 0; i < 500; ++i) {
    auto res = i % 10 == 0 ? tls->Put("/v1/value", std::to_string(i), "text/plain")
                           : tls->Get("/get");
    REQUIRE(res);
    CHECK(res->status == 200);
  }
  CHECK(backend.last_write() == 490);
  CHECK(server.open_connections() == 1);
}

TEST_CASE("pipelined requests over TLS are answered in order") {
  loopback_backend backend;
  http_server server{api_handler(backend, router_limits{64, nullptr}), https_settings()};
  REQUIRE(server.start() == "");
  tls_test_client c{server.tls_port(), {}};
  REQUIRE(c.handshake());
  std::string burst;
  for (int i = 0; i < 50; ++i)
    burst += "GET /v1/members HTTP/1.1\r\nHost: x\r\n\r\n";
  auto all =
      c.exchange_until_close(burst
                             + "PUT /v1/value HTTP/1.1\r\nHost: x\r\nContent-Length: "
                               "2\r\nConnection: close\r\n\r\n77");
  std::size_t answers = 0;
  for (auto at = all.find("HTTP/1.1 200 OK"); at != std::string::npos;
       at = all.find("HTTP/1.1 200 OK", at + 1))
    ++answers;
  CHECK(answers == 51);
  CHECK(all.substr(all.rfind("\r\n\r\n") + 4).find("\"value\":77") != std::string::npos);
  CHECK(backend.last_write() == 77);
}

TEST_CASE("TLS 1.2 and 1.3 are served with AEAD ciphers; TLS 1.1 and weak ciphers are "
          "refused") {
  loopback_backend backend;
  http_server server{api_handler(backend, router_limits{64, nullptr}), https_settings()};
  REQUIRE(server.start() == "");
  const auto& ca = test_certificates::get().ca_cert;
  {
    tls_test_client c{server.tls_port(),
                      {TLS1_3_VERSION, TLS1_3_VERSION, "", ca, "", ""}};
    REQUIRE(c.handshake());
    CHECK(c.version() == "TLSv1.3");
    CHECK(c.exchange(get_request).find("HTTP/1.1 200 OK") == 0);
  }
  {
    tls_test_client c{server.tls_port(),
                      {TLS1_2_VERSION, TLS1_2_VERSION, "", ca, "", ""}};
    REQUIRE(c.handshake());
    CHECK(c.version() == "TLSv1.2");
    CHECK(c.cipher().find("ECDHE-") == 0);
    CHECK(c.cipher().find("GCM") != std::string::npos);
    CHECK(c.exchange(get_request).find("HTTP/1.1 200 OK") == 0);
  }
  {
    tls_test_client c{server.tls_port(),
                      {TLS1_1_VERSION, TLS1_1_VERSION, "", ca, "", ""}};
    CHECK_FALSE(c.handshake());
  }
  {
    tls_test_client c{server.tls_port(), {TLS1_VERSION, TLS1_VERSION, "", ca, "", ""}};
    CHECK_FALSE(c.handshake());
  }
  for (const char* weak : {"ECDHE-ECDSA-AES128-SHA", "ECDHE-ECDSA-AES128-SHA256",
                           "ECDHE-ECDSA-AES256-SHA384"}) {
    CAPTURE(weak);
    tls_test_client c{server.tls_port(),
                      {TLS1_2_VERSION, TLS1_2_VERSION, weak, ca, "", ""}};
    CHECK_FALSE(c.handshake());
  }
  // The refusals cost the server nothing lasting: it still serves.
  tls_test_client after{server.tls_port(), {0, 0, "", ca, "", ""}};
  REQUIRE(after.handshake());
  CHECK(after.exchange(get_request).find("HTTP/1.1 200 OK") == 0);
}

TEST_CASE("with a client CA only clients with a certificate it signed are served") {
  const auto& certs = test_certificates::get();
  loopback_backend backend;
  http_server server{api_handler(backend, router_limits{64, nullptr}),
                     https_settings(certs.ca_cert)};
  REQUIRE(server.start() == "");
  SUBCASE("no client certificate") {
    auto tls = verified_client(server.tls_port());
    CHECK_FALSE(tls->Get("/get"));
    tls_test_client raw{server.tls_port(), {0, 0, "", certs.ca_cert, "", ""}};
    // TLS 1.3 reports the refusal after the client's side of the handshake is done.
    CHECK((!raw.handshake() || raw.exchange(get_request).empty()));
  }
  SUBCASE("a certificate from another CA") {
    auto tls =
        verified_client(server.tls_port(), certs.stranger_cert, certs.stranger_key);
    CHECK_FALSE(tls->Get("/get"));
    tls_test_client raw{server.tls_port(),
                        {TLS1_2_VERSION, TLS1_2_VERSION, "", certs.ca_cert,
                         certs.stranger_cert, certs.stranger_key}};
    CHECK_FALSE(raw.handshake());
  }
  SUBCASE("a certificate signed by the client CA") {
    auto tls = verified_client(server.tls_port(), certs.client_cert, certs.client_key);
    auto res = tls->Get("/get");
    REQUIRE(res);
    CHECK(res->body == "42\n");
    tls_test_client raw{server.tls_port(),
                        {TLS1_2_VERSION, TLS1_2_VERSION, "", certs.ca_cert,
                         certs.client_cert, certs.client_key}};
    REQUIRE(raw.handshake());
    CHECK(raw.exchange(get_request).find("HTTP/1.1 200 OK") == 0);
  }
}

TEST_CASE(
    "a client that opens TLS and sends nothing is closed after the handshake timeout") {
  loopback_backend backend;
  auto s = https_settings();
  s.tls.handshake_timeout = std::chrono::milliseconds{200};
  http_server server{api_handler(backend, router_limits{64, nullptr}), s};
  REQUIRE(server.start() == "");
  auto before = std::chrono::steady_clock::now();
  raw_client silent{server.tls_port()};
  REQUIRE(silent.connected());
  CHECK(silent.closed_by_server());
  // Well before the 5 s request-header timeout would have closed it.
  CHECK(std::chrono::steady_clock::now() - before < std::chrono::seconds{3});
  // A handshake that stalls halfway is closed the same way.
  raw_client stalled{server.tls_port()};
  stalled.send(std::string{"\x16\x03\x01\x00\x80", 5});
  CHECK(stalled.closed_by_server());
}

TEST_CASE("plain HTTP on the HTTPS port and TLS on the plain port are refused") {
  loopback_backend backend;
  http_server server{api_handler(backend, router_limits{64, nullptr}), https_settings()};
  REQUIRE(server.start() == "");
  raw_client plain_on_tls{server.tls_port()};
  plain_on_tls.send(get_request);
  // Whatever alert comes first, the connection ends without an HTTP answer.
  std::string got;
  char buffer[512];
  ssize_t n = 0;
  while ((n = ::recv(plain_on_tls.fd(), buffer, sizeof(buffer), 0)) > 0)
    got.append(buffer, static_cast<std::size_t>(n));
  CHECK(n == 0);
  CHECK(got.find("HTTP/1.1") == std::string::npos);
  tls_test_client tls_on_plain{server.port(), {}};
  CHECK_FALSE(tls_on_plain.handshake());
  CHECK(backend.writes() == 0);
}

TEST_CASE("HTTPS does not start with a missing, unreadable or mismatched file") {
  const auto& certs = test_certificates::get();
  loopback_backend backend;
  struct bad_files {
    std::string cert, key, ca, message;
  };
  const bad_files cases[] = {
      {"/nonexistent/cert.pem", certs.server_key, "",
       "cannot load the HTTPS certificate /nonexistent/cert.pem"},
      {certs.server_cert, "/nonexistent/key.pem", "",
       "cannot load the HTTPS key /nonexistent/key.pem"},
      {certs.server_cert, certs.client_key, "", "key values mismatch"},
      {certs.server_cert, certs.server_key, "/nonexistent/ca.pem",
       "cannot load the HTTPS client CA /nonexistent/ca.pem"},
      {certs.server_key, certs.server_key, "", "cannot load the HTTPS certificate"},
      {"", "", "", "HTTPS needs both a certificate file and a key file"},
  };
  for (const auto& bad : cases) {
    CAPTURE(bad.message);
    auto s = https_settings();
    s.tls.cert_file = bad.cert;
    s.tls.key_file = bad.key;
    s.tls.client_ca_file = bad.ca;
    http_server server{api_handler(backend, router_limits{64, nullptr}), s};
    auto error = server.start();
    CHECK(error.find(bad.message) != std::string::npos);
    CHECK(server.port() == 0);
  }
}

TEST_CASE("HTTPS alone: plain HTTP can be off") {
  loopback_backend backend;
  auto s = https_settings();
  s.plain_enabled = false;
  http_server server{api_handler(backend, router_limits{64, nullptr}), s};
  REQUIRE(server.start() == "");
  CHECK(server.port() == 0);
  auto tls = verified_client(server.tls_port());
  auto res = tls->Get("/get");
  REQUIRE(res);
  CHECK(res->body == "42\n");
  s.tls.enabled = false;
  http_server nothing{api_handler(backend, router_limits{64, nullptr}), s};
  CHECK(nothing.start() == "neither HTTP nor HTTPS is enabled");
}
