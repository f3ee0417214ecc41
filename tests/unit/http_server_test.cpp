#include "http/server/http_server.hpp"

#include "http/api/router.hpp"

#include <doctest/doctest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <future>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

using namespace onevalue;
using nlohmann::json;

namespace {

/// A thread-safe backend with a fixed view that remembers the last write. Writes are
/// answered from another thread, as the store's replies are; blocking reads wait in a
/// real snapshot store.
class loopback_backend : public gateway_backend {
public:
  loopback_backend() {
    snapshots.publish_value({42, {7, "n2"}});
  }

  ~loopback_backend() override {
    for (auto& f : replies)
      f.wait();
  }

  std::shared_ptr<const node_view> view() const override { return snapshots.load(); }

  void write(int64_t n, write_callback done) override {
    std::lock_guard<std::mutex> guard{mutex_};
    last_write_ = n;
    replies.push_back(std::async(std::launch::async, [n, done = std::move(done)] {
      done(write_outcome::success({n, {8, "n1"}}));
    }));
  }

  void write_if(int64_t n, const version&, write_callback done) override {
    done(write_outcome::mismatch({n, {8, "n1"}}));
  }

  void watch(uint64_t index, std::chrono::milliseconds wait,
             watch_callback done) override {
    {
      std::lock_guard<std::mutex> guard{mutex_};
      last_watch_ = {index, wait};
    }
    snapshots.watch(index, wait, std::move(done));
  }

  void force_leave(const std::string&, leave_callback done) override {
    done(leave_outcome{leave_outcome::kind::unknown_member, {}, ""});
  }

  std::pair<uint64_t, std::chrono::milliseconds> last_watch() {
    std::lock_guard<std::mutex> guard{mutex_};
    return last_watch_;
  }

  int64_t last_write() {
    std::lock_guard<std::mutex> guard{mutex_};
    return last_write_;
  }

  /// Waits (on a condition, with a 10 s deadline) until `n` reads are parked in the
  /// snapshot store; false if they never were.
  bool wait_for_watchers(std::size_t n) const {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{10};
    while (snapshots.watchers() != n && std::chrono::steady_clock::now() < deadline)
      std::this_thread::yield();
    return snapshots.watchers() == n;
  }

  snapshot_store snapshots{"n1", 8};

private:
  std::mutex mutex_;
  std::vector<std::future<void>> replies;
  int64_t last_write_ = 0;
  std::pair<uint64_t, std::chrono::milliseconds> last_watch_{0, 0};
};

/// A raw TCP client for what httplib's client can't send: pipelined, malformed,
/// partial and HTTP/1.0 requests.
class raw_client {
public:
  explicit raw_client(uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
    // Reads give up after 10 s: a deadline for a broken server, not a sync point.
    timeval tv{10, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  }
  ~raw_client() { ::close(fd_); }

  bool connected() const { return connected_; }

  void send(const std::string& bytes) {
    REQUIRE(::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL)
            == static_cast<ssize_t>(bytes.size()));
  }

  /// Reads one complete response; fails the test if the connection ends first.
  std::string read_response() {
    auto responses = read_responses(1);
    REQUIRE(responses.size() == 1);
    return responses[0];
  }

  /// Reads until `n` complete responses (framed by Content-Length) are in, or EOF.
  std::vector<std::string> read_responses(std::size_t n) {
    std::vector<std::string> out;
    while (out.size() < n) {
      auto head_end = buffer_.find("\r\n\r\n");
      if (head_end != std::string::npos) {
        auto head = buffer_.substr(0, head_end + 4);
        std::size_t length = 0;
        auto cl = head.find("Content-Length: ");
        if (cl != std::string::npos)
          length = std::stoul(head.substr(cl + 16));
        if (buffer_.size() >= head_end + 4 + length) {
          out.push_back(buffer_.substr(0, head_end + 4 + length));
          buffer_.erase(0, head_end + 4 + length);
          continue;
        }
      }
      char chunk[4096];
      auto got = ::recv(fd_, chunk, sizeof(chunk), 0);
      if (got <= 0)
        break;
      buffer_.append(chunk, static_cast<std::size_t>(got));
    }
    return out;
  }

  /// True if the server closed the connection (reads EOF) within the read deadline.
  bool closed_by_server() {
    char c = 0;
    return ::recv(fd_, &c, 1, 0) == 0;
  }

private:
  int fd_ = -1;
  bool connected_ = false;
  std::string buffer_;
};

struct server_fixture {
  loopback_backend backend;
  http_server server{api_handler(backend, router_limits{settings().max_body_bytes}), settings()};

  static http_server_settings settings() {
    http_server_settings s;
    s.bind_address = "127.0.0.1";
    s.port = 0;
    s.threads = 2;
    s.max_body_bytes = 64;
    return s;
  }
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
  http_server second{api_handler(other_backend, router_limits{}), s};
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

TEST_CASE_FIXTURE(server_fixture,
                  "stop closes idle keep-alive connections at once") {
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
  http_server server{api_handler(backend, router_limits{}), s};
  REQUIRE(server.start() == "");
  raw_client c{server.port()};
  c.send("GET /get HTTP/1.1\r\nHost:");
  auto response = c.read_response();
  CHECK(response.find("HTTP/1.1 408 Request Timeout") == 0);
  CHECK(c.closed_by_server());
}

TEST_CASE("past max_connections a new connection gets 503 and is closed") {
  loopback_backend backend;
  auto s = server_fixture::settings();
  s.max_connections = 1;
  http_server server{api_handler(backend, router_limits{}), s};
  REQUIRE(server.start() == "");
  httplib::Client first{"127.0.0.1", server.port()};
  first.set_keep_alive(true);
  REQUIRE(first.Get("/get"));
  raw_client second{server.port()};
  auto response = second.read_response();
  CHECK(response.find("HTTP/1.1 503") == 0);
  CHECK(second.closed_by_server());
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
  c.send("PUT /v1/value HTTP/1.1\r\nContent-Length: 1\r\n\r\n3\r\n\r\n"
         "GET /get HTTP/1.1\r\n\r\n");
  auto responses = c.read_responses(2);
  REQUIRE(responses.size() == 2);
  CHECK(responses[1].substr(responses[1].size() - 3) == "42\n");
}

TEST_CASE_FIXTURE(server_fixture,
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
  http_server server{api_handler(backend, router_limits{}), server_fixture::settings()};
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
