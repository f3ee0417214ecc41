// Fair limits of the HTTP server: the request-header timeout, connections per client,
// the connection limit (replacing idle connections, 503 when none is idle) and the
// descriptor limit, on a real server over loopback. Clients come from several source
// addresses of this checkout's loopback /24 (ONEVALUE_TEST_NET).

#include "http/server/http_server.hpp"

#include "http/api/router.hpp"
#include "http/server/descriptor_limit.hpp"
#include "http_test_support.hpp"

#include <doctest/doctest.h>
#include <httplib.h>

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <string>
#include <vector>

using namespace onevalue;
using namespace onevalue::testing;

namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

const std::string get_request = "GET /get HTTP/1.1\r\nHost: x\r\n\r\n";

/// Waits (with a 10 s deadline) until `server` has `n` connections open.
bool wait_for_connections(const http_server& server, std::size_t n) {
  auto deadline = steady_clock::now() + std::chrono::seconds{10};
  while (server.open_connections() != n && steady_clock::now() < deadline)
    std::this_thread::yield();
  return server.open_connections() == n;
}

/// A GET /get from `source` on a fresh connection; its status line.
std::string get_from(uint16_t port, const std::string& source,
                     const std::string& server) {
  raw_client c{port, source.c_str(), server.c_str()};
  if (!c.connected())
    return "not connected";
  c.send(get_request);
  auto responses = c.read_responses(1);
  return responses.empty() ? "no response"
                           : responses[0].substr(0, responses[0].find("\r\n"));
}

struct limits_fixture {
  loopback_backend backend;
  std::string server_ip = test_net_ip(1);

  http_server_settings settings() {
    auto s = loopback_settings();
    s.bind_address = server_ip;
    return s;
  }
};

} // namespace

TEST_CASE_FIXTURE(limits_fixture,
                  "a connection that sends nothing is closed after the request-header "
                  "timeout, without an answer") {
  auto s = settings();
  s.request_header_timeout = milliseconds{200};
  http_server server{api_handler(backend, router_limits{64, nullptr}), s};
  REQUIRE(server.start() == "");
  auto before = steady_clock::now();
  raw_client silent{server.port(), nullptr, server_ip.c_str()};
  REQUIRE(silent.connected());
  CHECK(silent.closed_by_server());
  auto took = steady_clock::now() - before;
  CHECK(took >= milliseconds{200});
  CHECK(took < std::chrono::seconds{5}); // not the 30 s keep-alive timeout
}

TEST_CASE_FIXTURE(limits_fixture,
                  "an incomplete request line past the request-header timeout gets 408") {
  auto s = settings();
  s.request_header_timeout = milliseconds{200};
  http_server server{api_handler(backend, router_limits{64, nullptr}), s};
  REQUIRE(server.start() == "");
  raw_client c{server.port(), nullptr, server_ip.c_str()};
  c.send("GET /get?x=" + std::string(100, 'a'));
  auto response = c.read_response();
  CHECK(response.find("HTTP/1.1 408 Request Timeout") == 0);
  CHECK(c.closed_by_server());
}

TEST_CASE_FIXTURE(limits_fixture,
                  "once the request line is in, the read timeout governs the rest") {
  auto s = settings();
  s.request_header_timeout = milliseconds{100};
  s.read_timeout = milliseconds{1000};
  http_server server{api_handler(backend, router_limits{64, nullptr}), s};
  REQUIRE(server.start() == "");
  raw_client c{server.port(), nullptr, server_ip.c_str()};
  auto before = steady_clock::now();
  c.send("GET /get HTTP/1.1\r\nHost:");
  auto response = c.read_response();
  CHECK(response.find("HTTP/1.1 408") == 0);
  CHECK(steady_clock::now() - before >= milliseconds{900});
}

TEST_CASE_FIXTURE(limits_fixture,
                  "a kept-alive connection waits the keep-alive timeout, not the "
                  "request-header timeout") {
  auto s = settings();
  s.request_header_timeout = milliseconds{100};
  s.keep_alive_timeout = milliseconds{1000};
  http_server server{api_handler(backend, router_limits{64, nullptr}), s};
  REQUIRE(server.start() == "");
  raw_client c{server.port(), nullptr, server_ip.c_str()};
  c.send(get_request);
  CHECK(c.read_response().find("HTTP/1.1 200 OK") == 0);
  auto answered = steady_clock::now();
  CHECK(c.closed_by_server());
  CHECK(steady_clock::now() - answered >= milliseconds{900});
}

TEST_CASE_FIXTURE(limits_fixture,
                  "past max_connections_per_client one address gets 503 and others are "
                  "served") {
  auto s = settings();
  s.threads = 1; // accepts in connection order
  s.max_connections_per_client = 2;
  http_server server{api_handler(backend, router_limits{64, nullptr}), s};
  REQUIRE(server.start() == "");
  auto greedy = test_net_ip(2);
  std::vector<raw_client> held;
  held.emplace_back(server.port(), greedy.c_str(), server_ip.c_str());
  held.emplace_back(server.port(), greedy.c_str(), server_ip.c_str());
  REQUIRE(wait_for_connections(server, 2));
  raw_client third{server.port(), greedy.c_str(), server_ip.c_str()};
  auto refused = third.read_response();
  CHECK(refused.find("HTTP/1.1 503 Service Unavailable") == 0);
  CHECK(refused.find("Retry-After: 1\r\n") != std::string::npos);
  CHECK(refused.find("from your address") != std::string::npos);
  CHECK(third.closed_by_server());
  CHECK(get_from(server.port(), test_net_ip(3), server_ip) == "HTTP/1.1 200 OK");
  // A slot freed by the client is its own again.
  held.pop_back();
  REQUIRE(wait_for_connections(server, 1));
  CHECK(get_from(server.port(), greedy, server_ip) == "HTTP/1.1 200 OK");
}

TEST_CASE_FIXTURE(limits_fixture,
                  "at max_connections a new connection replaces the longest-idle one") {
  auto s = settings();
  s.threads = 1;
  s.max_connections = 2;
  http_server server{api_handler(backend, router_limits{64, nullptr}), s};
  REQUIRE(server.start() == "");
  raw_client oldest{server.port(), test_net_ip(2).c_str(), server_ip.c_str()};
  REQUIRE(wait_for_connections(server, 1));
  raw_client younger{server.port(), test_net_ip(3).c_str(), server_ip.c_str()};
  REQUIRE(wait_for_connections(server, 2));
  CHECK(get_from(server.port(), test_net_ip(4), server_ip) == "HTTP/1.1 200 OK");
  CHECK(oldest.closed_by_server());
  younger.send(get_request);
  CHECK(younger.read_response().find("HTTP/1.1 200 OK") == 0);
}

TEST_CASE_FIXTURE(limits_fixture,
                  "at max_connections the longest-idle connection is replaced whichever "
                  "loop serves it") {
  // Two loops, one connection each: the busy one (a blocking read) and the idle one.
  // Whichever loop accepts the third connection, the idle one makes room for it.
  for (int round = 0; round < 10; ++round) {
    CAPTURE(round);
    loopback_backend fresh; // stop_watchers() below is for good on a backend
    auto s = settings();
    s.threads = 2;
    s.max_connections = 2;
    http_server server{api_handler(fresh, router_limits{64, nullptr}), s};
    REQUIRE(server.start() == "");
    raw_client busy{server.port(), test_net_ip(2).c_str(), server_ip.c_str()};
    busy.send("GET /v1/value?index=7&wait=1m HTTP/1.1\r\nHost: x\r\n\r\n");
    REQUIRE(fresh.wait_for_watchers(1));
    raw_client idle{server.port(), test_net_ip(3).c_str(), server_ip.c_str()};
    // One on each loop; the idle one counts as idle once its loop serves it (it may
    // still be on its way there).
    const std::vector<std::size_t> one_each{1, 1};
    auto deadline = steady_clock::now() + std::chrono::seconds{10};
    while ((server.connections_per_loop() != one_each || server.idle_connections() != 1)
           && steady_clock::now() < deadline)
      std::this_thread::yield();
    REQUIRE(server.connections_per_loop() == one_each);
    REQUIRE(server.idle_connections() == 1);
    CHECK(get_from(server.port(), test_net_ip(4), server_ip) == "HTTP/1.1 200 OK");
    CHECK(idle.closed_by_server());
    fresh.snapshots.stop_watchers();
    CHECK(busy.read_response().find("HTTP/1.1 200 OK") == 0);
    server.stop();
  }
}

TEST_CASE_FIXTURE(limits_fixture,
                  "at max_connections with no idle connection a new one gets 503 with "
                  "Retry-After") {
  auto s = settings();
  s.threads = 1;
  s.max_connections = 1;
  http_server server{api_handler(backend, router_limits{64, nullptr}), s};
  REQUIRE(server.start() == "");
  raw_client busy{server.port(), nullptr, server_ip.c_str()};
  busy.send("GET /v1/value?index=7&wait=1m HTTP/1.1\r\nHost: x\r\n\r\n");
  REQUIRE(backend.wait_for_watchers(1));
  raw_client refused{server.port(), nullptr, server_ip.c_str()};
  auto response = refused.read_response();
  CHECK(response.find("HTTP/1.1 503") == 0);
  CHECK(response.find("Retry-After: 1\r\n") != std::string::npos);
  CHECK(response.find("too many open connections on this node") != std::string::npos);
  CHECK(refused.closed_by_server());
  backend.snapshots.stop_watchers();
  CHECK(busy.read_response().find("HTTP/1.1 200 OK") == 0);
}

namespace {

/// A server with the default limits in a child process whose descriptor limit is
/// 1024, as a node started by systemd or Docker without raised limits has. The child
/// sends its port through a pipe and serves until the parent closes the other pipe.
class limited_child {
public:
  explicit limited_child(const std::string& ip) {
    int port_pipe[2];
    int stop_pipe[2];
    REQUIRE(::pipe(port_pipe) == 0);
    REQUIRE(::pipe(stop_pipe) == 0);
    pid_ = ::fork();
    REQUIRE(pid_ >= 0);
    if (pid_ == 0) {
      ::close(port_pipe[0]);
      ::close(stop_pipe[1]);
      serve(ip, port_pipe[1], stop_pipe[0]);
    }
    ::close(port_pipe[1]);
    ::close(stop_pipe[0]);
    stop_fd_ = stop_pipe[1];
    REQUIRE(::read(port_pipe[0], &port_, sizeof(port_)) == sizeof(port_));
    ::close(port_pipe[0]);
  }

  ~limited_child() {
    ::close(stop_fd_);
    int status = 0;
    ::waitpid(pid_, &status, 0);
  }

  limited_child(const limited_child&) = delete;
  limited_child& operator=(const limited_child&) = delete;

  uint16_t port() const { return port_; }

private:
  [[noreturn]] static void serve(const std::string& ip, int port_fd, int stop_fd) {
    rlimit files{};
    ::getrlimit(RLIMIT_NOFILE, &files);
    files.rlim_cur = 1024;
    if (::setrlimit(RLIMIT_NOFILE, &files) != 0)
      ::_exit(2);
    loopback_backend backend;
    auto s = loopback_settings();
    s.bind_address = ip;
    http_server server{api_handler(backend, router_limits{64, nullptr}), s};
    if (!server.start().empty())
      ::_exit(3);
    uint16_t port = server.port();
    if (::write(port_fd, &port, sizeof(port)) != sizeof(port))
      ::_exit(4);
    char byte = 0;
    [[maybe_unused]] auto eof = ::read(stop_fd, &byte, 1);
    server.stop();
    ::_exit(0);
  }

  pid_t pid_ = -1;
  int stop_fd_ = -1;
  uint16_t port_ = 0;
};

} // namespace

TEST_CASE_FIXTURE(limits_fixture,
                  "1,000 idle sockets from one address against a 1,024 descriptor limit: "
                  "others still get 200") {
  limited_child child{server_ip};
  auto attacker = test_net_ip(2);
  std::vector<raw_client> idle;
  idle.reserve(1000);
  for (int i = 0; i < 1000; ++i)
    idle.emplace_back(child.port(), attacker.c_str(), server_ip.c_str());
  CHECK(get_from(child.port(), test_net_ip(3), server_ip) == "HTTP/1.1 200 OK");
  // The default 64 per client held; every other attempt got a 503 at once.
  std::size_t refused = 0;
  for (auto& c : idle) {
    auto responses = c.read_responses(1);
    if (responses.empty())
      continue;
    CHECK(responses[0].find("HTTP/1.1 503") == 0);
    CHECK(responses[0].find("Retry-After: 1\r\n") != std::string::npos);
    ++refused;
    if (refused == 1000 - 64)
      break;
  }
  CHECK(refused == 1000 - 64);
}

TEST_CASE_FIXTURE(
    limits_fixture,
    "1,000 idle sockets from 20 addresses against a 1,024 descriptor limit: "
    "others still get 200") {
  limited_child child{server_ip};
  std::vector<raw_client> idle;
  idle.reserve(1000);
  for (int i = 0; i < 1000; ++i)
    idle.emplace_back(child.port(), test_net_ip(10 + i % 20).c_str(), server_ip.c_str());
  // 960 slots (1024 minus a reserve of 64): the newest connections replace the
  // longest-idle ones, so a real client is served.
  for (int host = 3; host < 6; ++host)
    CHECK(get_from(child.port(), test_net_ip(host), server_ip) == "HTTP/1.1 200 OK");
}

TEST_CASE("raise_descriptor_limit raises the soft limit to the hard limit") {
  rlimit before{};
  REQUIRE(::getrlimit(RLIMIT_NOFILE, &before) == 0);
  if (before.rlim_max <= 1024) {
    CHECK(raise_descriptor_limit().find("file descriptor limit") == 0);
    return;
  }
  rlimit lowered = before;
  lowered.rlim_cur = 1024;
  REQUIRE(::setrlimit(RLIMIT_NOFILE, &lowered) == 0);
  auto message = raise_descriptor_limit();
  rlimit after{};
  REQUIRE(::getrlimit(RLIMIT_NOFILE, &after) == 0);
  CHECK(after.rlim_cur == before.rlim_max);
  CHECK(message
        == "file descriptor limit raised from 1024 to "
               + std::to_string(before.rlim_max));
  CHECK(raise_descriptor_limit()
        == "file descriptor limit " + std::to_string(before.rlim_max));
  REQUIRE(::setrlimit(RLIMIT_NOFILE, &before) == 0);
}
