#include "http/server/http_server.hpp"

#include "http/api/router.hpp"
#include "http_test_support.hpp"

#include <doctest/doctest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <future>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

using namespace onevalue;
using namespace onevalue::testing;
using nlohmann::json;

namespace {

struct server_fixture {
  loopback_backend backend;
  http_server server{
      api_handler(backend, router_limits{settings().max_body_bytes, nullptr}),
      settings()};

  static http_server_settings settings() { return loopback_settings(); }
};

} // namespace

TEST_CASE_FIXTURE(server_fixture, "the server answers real requests over loopback TCP") {
  REQUIRE(server.start() == "");
  REQUIRE(server.port() != 0);
  httplib::Client cli{"127.0.0.1", server.port()};
  auto get = cli.Get("/get");
  REQUIRE(get);
  CHECK(get->status == 200);
  CHECK(get->body == "42\n");
  auto set = cli.Post("/set/17", "", "text/plain");
  REQUIRE(set);
  CHECK(set->status == 200);
  CHECK(set->body == "17\n");
  CHECK(backend.last_write() == 17);
  auto put = cli.Put("/v1/value", R"({"value":-3})", "application/json");
  REQUIRE(put);
  CHECK(put->status == 200);
  CHECK(json::parse(put->body)["value"] == -3);
  CHECK(put->get_header_value("Content-Type") == "application/json");
  server.stop();
}

TEST_CASE_FIXTURE(server_fixture,
                  "404 and 405 come from the router through catch-all routes") {
  REQUIRE(server.start() == "");
  httplib::Client cli{"127.0.0.1", server.port()};
  auto missing = cli.Delete("/nope");
  REQUIRE(missing);
  CHECK(missing->status == 404);
  CHECK(json::parse(missing->body).contains("error"));
  auto wrong = cli.Delete("/v1/value");
  REQUIRE(wrong);
  CHECK(wrong->status == 405);
  CHECK(wrong->get_header_value("Allow") == "GET, HEAD, PUT, OPTIONS");
  auto patch = cli.Patch("/get", "x", "text/plain");
  REQUIRE(patch);
  CHECK(patch->status == 405);
  auto options = cli.Options("/set/1");
  REQUIRE(options);
  CHECK(options->status == 204);
  auto head = cli.Head("/v1/value");
  REQUIRE(head);
  CHECK(head->status == 200);
  CHECK(head->body.empty());
}

TEST_CASE_FIXTURE(server_fixture,
                  "an oversize body is refused with 413 and a JSON error") {
  REQUIRE(server.start() == "");
  httplib::Client cli{"127.0.0.1", server.port()};
  auto res = cli.Put("/v1/value", std::string(10000, '1'), "text/plain");
  REQUIRE(res);
  CHECK(res->status == 413);
  CHECK(json::parse(res->body, nullptr, false).contains("error"));
  CHECK(backend.last_write() == 0);
}

TEST_CASE_FIXTURE(server_fixture,
                  "binding a port in use fails with a message naming it") {
  REQUIRE(server.start() == "");
  loopback_backend other_backend;
  auto s = settings();
  s.port = server.port();
  http_server second{api_handler(other_backend, router_limits{4096, nullptr}), s};
  auto message = second.start();
  CHECK(message.find("cannot bind HTTP on 127.0.0.1:" + std::to_string(server.port()))
        == 0);
  second.stop();
}

TEST_CASE_FIXTURE(server_fixture,
                  "stop is idempotent and a stopped server refuses connections") {
  REQUIRE(server.start() == "");
  auto port = server.port();
  server.stop();
  server.stop();
  httplib::Client cli{"127.0.0.1", port};
  cli.set_connection_timeout(std::chrono::milliseconds(500));
  auto res = cli.Get("/get");
  CHECK_FALSE(res);
}

TEST_CASE_FIXTURE(server_fixture, "stop closes idle keep-alive connections at once") {
  REQUIRE(server.start() == "");
  httplib::Client cli{"127.0.0.1", server.port()};
  cli.set_keep_alive(true);
  auto res = cli.Get("/get");
  REQUIRE(res);
  CHECK(res->status == 200);
  CHECK(server.open_connections() == 1);
  server.stop();
  CHECK(server.open_connections() == 0);
}

TEST_CASE_FIXTURE(server_fixture,
                  "a burst of connections is shared out among the loops") {
  // All connect before any request: the loop that wakes first accepts the whole
  // backlog, and without the handoff it would serve all eight alone.
  REQUIRE(server.start() == "");
  std::vector<raw_client> clients;
  for (int i = 0; i < 8; ++i) {
    clients.emplace_back(server.port());
    REQUIRE(clients.back().connected());
  }
  for (auto& c : clients) {
    c.send("GET /get HTTP/1.1\r\nHost: x\r\n\r\n");
    CHECK(c.read_response().find("HTTP/1.1 200 OK") == 0);
  }
  auto per_loop = server.connections_per_loop();
  REQUIRE(per_loop.size() == 2);
  CHECK(per_loop[0] + per_loop[1] == 8);
  // Two loops accepting at the same moment may each keep one: never more apart.
  CHECK(per_loop[0] >= 3);
  CHECK(per_loop[1] >= 3);
  clients.clear();
  // Every loop lets go of what it counted once its clients are gone.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{10};
  while ((server.open_connections() != 0
          || server.connections_per_loop() != std::vector<std::size_t>{0, 0})
         && std::chrono::steady_clock::now() < deadline)
    std::this_thread::yield();
  CHECK(server.open_connections() == 0);
  CHECK(server.connections_per_loop() == std::vector<std::size_t>{0, 0});
  server.stop();
  CHECK(server.open_connections() == 0);
  CHECK(server.connections_per_loop().empty());
}

TEST_CASE_FIXTURE(server_fixture,
                  "pipelined requests are answered in order, writes included") {
  REQUIRE(server.start() == "");
  raw_client c{server.port()};
  REQUIRE(c.connected());
  c.send("GET /set/5 HTTP/1.1\r\nHost: x\r\n\r\n"
         "GET /get HTTP/1.1\r\nHost: x\r\n\r\n"
         "PUT /v1/value HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n-7"
         "GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
  auto responses = c.read_responses(4);
  REQUIRE(responses.size() == 4);
  CHECK(responses[0].find("HTTP/1.1 200 OK") == 0);
  CHECK(responses[0].substr(responses[0].size() - 2) == "5\n");
  CHECK(responses[1].substr(responses[1].size() - 3) == "42\n");
  CHECK(responses[2].find("\"value\":-7") != std::string::npos);
  CHECK(responses[3].find("\"node\"") != std::string::npos);
  CHECK(backend.last_write() == -7);
}

TEST_CASE_FIXTURE(server_fixture, "one keep-alive connection serves many requests") {
  REQUIRE(server.start() == "");
  httplib::Client cli{"127.0.0.1", server.port()};
  cli.set_keep_alive(true);
  for (int i = 0; i < 500; ++i) {
    auto res = cli.Get("/get");
    REQUIRE(res);
    CHECK(res->body == "42\n");
  }
  CHECK(server.open_connections() == 1);
}

TEST_CASE_FIXTURE(server_fixture,
                  "a malformed request gets a JSON 400 and the connection is closed") {
  REQUIRE(server.start() == "");
  raw_client c{server.port()};
  c.send("BLAH\r\n\r\n");
  auto response = c.read_response();
  CHECK(response.find("HTTP/1.1 400 Bad Request") == 0);
  CHECK(response.find("Connection: close") != std::string::npos);
  CHECK(response.find("{\"error\":") != std::string::npos);
  CHECK(c.closed_by_server());
}

TEST_CASE_FIXTURE(server_fixture,
                  "an HTTP/1.0 request without keep-alive is answered and closed") {
  REQUIRE(server.start() == "");
  raw_client c{server.port()};
  c.send("GET /get HTTP/1.0\r\n\r\n");
  auto response = c.read_response();
  CHECK(response.find("Connection: close") != std::string::npos);
  CHECK(c.closed_by_server());
}

TEST_CASE_FIXTURE(server_fixture,
                  "a blocking read waits without holding up other connections") {
  REQUIRE(server.start() == "");
  raw_client waiting{server.port()};
  waiting.send("GET /v1/value?index=7&wait=1m HTTP/1.1\r\nHost: x\r\n\r\n");
  REQUIRE(backend.wait_for_watchers(1));
  httplib::Client cli{"127.0.0.1", server.port()};
  auto res = cli.Get("/get");
  REQUIRE(res);
  CHECK(res->body == "42\n");
  backend.snapshots.publish_value({43, {8, "n1"}});
  auto response = waiting.read_response();
  CHECK(response.find("\"value\":43") != std::string::npos);
}

TEST_CASE_FIXTURE(server_fixture, "Expect: 100-continue gets 100 before the body") {
  REQUIRE(server.start() == "");
  raw_client c{server.port()};
  c.send("PUT /v1/value HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n"
         "Expect: 100-continue\r\n\r\n");
  auto interim = c.read_response();
  CHECK(interim == "HTTP/1.1 100 Continue\r\n\r\n");
  c.send("9");
  auto final_response = c.read_response();
  CHECK(final_response.find("HTTP/1.1 200 OK") == 0);
  CHECK(backend.last_write() == 9);
}

TEST_CASE("a request that does not arrive within the read timeout gets 408") {
  loopback_backend backend;
  auto s = server_fixture::settings();
  s.read_timeout = std::chrono::milliseconds{100};
  http_server server{api_handler(backend, router_limits{4096, nullptr}), s};
  REQUIRE(server.start() == "");
  raw_client c{server.port()};
  c.send("GET /get HTTP/1.1\r\nHost:");
  auto response = c.read_response();
  CHECK(response.find("HTTP/1.1 408 Request Timeout") == 0);
  CHECK(c.closed_by_server());
}

TEST_CASE_FIXTURE(server_fixture,
                  "a client that does not read its responses gets no more parsed") {
  REQUIRE(server.start() == "");
  raw_client c{server.port()};
  // Ask for far more than the socket buffers hold, without reading anything.
  std::string burst;
  for (int i = 0; i < 2000; ++i)
    burst += "GET /v1/members HTTP/1.1\r\nHost: x\r\n\r\n";
  c.send(burst);
  auto responses = c.read_responses(2000);
  CHECK(responses.size() == 2000);
}

TEST_CASE_FIXTURE(server_fixture, "empty lines between pipelined requests are skipped") {
  REQUIRE(server.start() == "");
  raw_client c{server.port()};
  c.send("PUT /v1/value HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n\r\n3\r\n\r\n"
         "GET /get HTTP/1.1\r\nHost: x\r\n\r\n");
  auto responses = c.read_responses(2);
  REQUIRE(responses.size() == 2);
  CHECK(responses[1].substr(responses[1].size() - 3) == "42\n");
}

TEST_CASE_FIXTURE(
    server_fixture,
    "stop answers an in-flight blocking read and returns within the drain") {
  REQUIRE(server.start() == "");
  raw_client waiting{server.port()};
  waiting.send("GET /v1/value?index=7&wait=1m HTTP/1.1\r\nHost: x\r\n\r\n");
  REQUIRE(backend.wait_for_watchers(1));
  auto before = std::chrono::steady_clock::now();
  backend.snapshots.stop_watchers();
  server.stop();
  CHECK(std::chrono::steady_clock::now() - before < std::chrono::milliseconds{2500});
  auto response = waiting.read_response();
  CHECK(response.find("HTTP/1.1 200 OK") == 0);
  CHECK(waiting.closed_by_server());
}

namespace {

/// A backend whose every call throws, like a bug in the node would.
class throwing_backend : public gateway_backend {
public:
  std::shared_ptr<const node_view> view() const override {
    throw std::runtime_error("view exploded");
  }
  void write(int64_t, write_callback) override { throw std::runtime_error("write"); }
  void write_if(int64_t, const version&, write_callback) override {
    throw std::runtime_error("write_if");
  }
  void watch(uint64_t, std::chrono::milliseconds, watch_callback) override {
    throw std::runtime_error("watch");
  }
  void force_leave(const std::string&, leave_callback) override {
    throw std::runtime_error("force_leave");
  }
};

} // namespace

TEST_CASE("a request whose handling throws gets one JSON 500 and the server stays up") {
  throwing_backend backend;
  http_server server{api_handler(backend, router_limits{4096, nullptr}),
                     server_fixture::settings()};
  REQUIRE(server.start() == "");
  raw_client c{server.port()};
  c.send("GET /get HTTP/1.1\r\nHost: x\r\n\r\n");
  auto response = c.read_response();
  CHECK(response.find("HTTP/1.1 500 Internal Server Error") == 0);
  CHECK(response.find("{\"error\":\"internal error\"}") != std::string::npos);
  CHECK(c.closed_by_server());
  raw_client again{server.port()};
  again.send("GET /nope HTTP/1.1\r\nHost: x\r\n\r\n");
  auto later = again.read_response();
  CHECK(later.find("HTTP/1.1 404") == 0);
}

TEST_CASE_FIXTURE(server_fixture,
                  "a node name with CR LF cannot inject a header through the ETag") {
  // Node names come from other nodes' gossip: a response must stay well-formed whatever
  // they hold.
  backend.snapshots.publish_value(
      {5, {9, "evil\r\nSet-Cookie: a=b\r\n\r\nHTTP/1.1 200 OK"}});
  REQUIRE(server.start() == "");
  raw_client c{server.port()};
  c.send("GET /v1/value HTTP/1.1\r\nHost: x\r\n\r\nGET /get HTTP/1.1\r\nHost: x\r\n\r\n");
  auto responses = c.read_responses(2);
  REQUIRE(responses.size() == 2);
  auto head = responses[0].substr(0, responses[0].find("\r\n\r\n") + 2);
  CHECK(head.find("\r\nSet-Cookie") == std::string::npos);
  CHECK(head.find("ETag: \"9-evilSet-Cookie: a=bHTTP/1.1 200 OK\"\r\n")
        != std::string::npos);
  CHECK(responses[1].substr(responses[1].size() - 2) == "5\n");
}

TEST_CASE_FIXTURE(server_fixture, "strict parsing is enforced on the wire") {
  REQUIRE(server.start() == "");
  struct wire_case {
    const char* what;
    std::string request;
    const char* status_line;
  };
  const wire_case cases[] = {
      {"missing Host", "GET /get HTTP/1.1\r\n\r\n", "HTTP/1.1 400 Bad Request"},
      {"bare LF", "GET /get HTTP/1.1\nHost: x\n\n", "HTTP/1.1 400 Bad Request"},
      {"a 20 KB URL",
       "GET /get?x=" + std::string(20000, 'a') + " HTTP/1.1\r\nHost: x\r\n\r\n",
       "HTTP/1.1 414 URI Too Long"},
      {"CL and TE",
       "PUT /v1/value HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n"
       "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
       "HTTP/1.1 400 Bad Request"},
  };
  for (const auto& wc : cases) {
    CAPTURE(wc.what);
    raw_client c{server.port()};
    c.send(wc.request);
    auto response = c.read_response();
    CHECK(response.find(wc.status_line) == 0);
    CHECK(response.find("{\"error\":") != std::string::npos);
    CHECK(c.closed_by_server());
  }
  CHECK(backend.writes() == 0);
}
