#include "actors/protocol.hpp"
#include "actors/tcp_connector.hpp"

#include <caf/all.hpp>
#include <doctest/doctest.h>

#include <chrono>
#include <cstdint>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace onevalue;
using namespace std::chrono_literals;

namespace {

/// A listening TCP socket on 127.0.0.1 with a port the kernel chose; closed at the end.
struct listener {
  int fd = -1;
  uint16_t port = 0;

  listener() {
    fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    REQUIRE(fd >= 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast): the socket API
    REQUIRE(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0);
    REQUIRE(listen(fd, 4) == 0);
    socklen_t len = sizeof(addr);
    // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast): the socket API
    REQUIRE(getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
    port = ntohs(addr.sin_port);
  }
  listener(const listener&) = delete;
  listener& operator=(const listener&) = delete;
  listener(listener&&) = delete;
  listener& operator=(listener&&) = delete;
  ~listener() { ::close(fd); }
};

/// Waits until `fd` is readable or `deadline` passed; true if readable.
bool readable_within(int fd, std::chrono::milliseconds deadline) {
  pollfd p{fd, POLLIN, 0};
  return poll(&p, 1, static_cast<int>(deadline.count())) > 0;
}

/// Whether the other end of the connected `fd` closed it within `deadline`.
bool closed_by_peer(int fd, std::chrono::milliseconds deadline) {
  if (!readable_within(fd, deadline))
    return false;
  char byte = 0;
  return recv(fd, &byte, 1, 0) == 0;
}

/// The next connection on `l`, or -1 if none arrived within `deadline`.
int accept_within(const listener& l, std::chrono::milliseconds deadline) {
  if (!readable_within(l.fd, deadline))
    return -1;
  return accept4(l.fd, nullptr, nullptr, SOCK_CLOEXEC);
}

} // namespace

TEST_CASE("dialed_socket closes its descriptor when the last handle goes") {
  int pair[2] = {-1, -1};
  REQUIRE(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) == 0);
  {
    dialed_socket socket{pair[0]};
    auto copy = socket;
    CHECK(copy.holds());
    CHECK_FALSE(closed_by_peer(pair[1], 0ms));
  }
  CHECK(closed_by_peer(pair[1], 0ms));
  ::close(pair[1]);
}

TEST_CASE("a released descriptor belongs to the caller and stays open") {
  int pair[2] = {-1, -1};
  REQUIRE(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) == 0);
  int taken = -1;
  {
    dialed_socket socket{pair[0]};
    auto copy = socket;
    taken = copy.release();
    CHECK_FALSE(socket.holds());
    CHECK(socket.release() == -1);
  }
  CHECK(taken == pair[0]);
  CHECK_FALSE(closed_by_peer(pair[1], 0ms));
  ::close(taken);
  ::close(pair[1]);
}

TEST_CASE("no descriptor: a failed connect's handle holds nothing") {
  CHECK_FALSE(dialed_socket{}.holds());
  CHECK_FALSE(dialed_socket{-1}.holds());
  CHECK(dialed_socket{-1}.release() == -1);
}

// Regression: the connector sent a bare int descriptor; when the broker had quit while
// the connect was in flight the message was dropped and the socket stayed open for the
// life of the process (one descriptor per push-pull in flight at every shutdown or
// broker restart).
TEST_CASE("a connect that completes after its broker quit closes its socket") {
  caf::actor_system_config cfg;
  add_message_types(cfg);
  caf::actor_system sys{cfg};
  listener l;
  // An argument: CAF 0.17.6 dereferences a null argument tuple for a spawn without one.
  auto broker = sys.spawn([](int) { return caf::behavior{[](int) {}}; }, 0);
  {
    caf::scoped_actor self{sys};
    self->monitor(broker);
    self->send_exit(broker, caf::exit_reason::kill);
    self->receive([](caf::down_msg&) {});
  }
  sys.spawn<caf::detached>(tcp_connector, broker, uint64_t{1}, std::string{"127.0.0.1"},
                           l.port, std::chrono::milliseconds{5s});
  int accepted = accept_within(l, 5s);
  REQUIRE(accepted >= 0);
  CHECK(closed_by_peer(accepted, 5s));
  ::close(accepted);
}

TEST_CASE("a live broker receives the connected socket and owns it") {
  caf::actor_system_config cfg;
  add_message_types(cfg);
  caf::actor_system sys{cfg};
  listener l;
  caf::scoped_actor self{sys};
  auto test = caf::actor_cast<caf::actor>(self);
  auto broker = sys.spawn(
      [test](int) {
        return caf::behavior{
            [test](dialed_atom, uint64_t id, const dialed_socket& socket,
                   const std::string& error) {
              caf::anon_send(test, id, socket.release(), error);
            },
        };
      },
      0);
  sys.spawn<caf::detached>(tcp_connector, broker, uint64_t{7}, std::string{"127.0.0.1"},
                           l.port, std::chrono::milliseconds{5s});
  int fd = -1;
  self->receive([&](uint64_t id, int released, const std::string& error) {
    CHECK(id == 7);
    CHECK(error.empty());
    fd = released;
  });
  REQUIRE(fd >= 0);
  int accepted = accept_within(l, 5s);
  REQUIRE(accepted >= 0);
  CHECK_FALSE(closed_by_peer(accepted, 0ms));
  ::close(fd);
  CHECK(closed_by_peer(accepted, 5s));
  ::close(accepted);
  self->send_exit(broker, caf::exit_reason::kill);
}

TEST_CASE("a connect to a closed port reports why, with no descriptor") {
  caf::actor_system_config cfg;
  add_message_types(cfg);
  caf::actor_system sys{cfg};
  uint16_t port = 0;
  {
    listener l;
    port = l.port;
  } // closed: nothing listens on the port now
  caf::scoped_actor self{sys};
  auto test = caf::actor_cast<caf::actor>(self);
  auto broker = sys.spawn(
      [test](int) {
        return caf::behavior{
            [test](dialed_atom, uint64_t, const dialed_socket& socket,
                   const std::string& error) {
              caf::anon_send(test, socket.holds(), error);
            },
        };
      },
      0);
  sys.spawn<caf::detached>(tcp_connector, broker, uint64_t{2}, std::string{"127.0.0.1"},
                           port, std::chrono::milliseconds{5s});
  self->receive([](bool holds, const std::string& error) {
    CHECK_FALSE(holds);
    CHECK(error.find("connect") != std::string::npos);
  });
  self->send_exit(broker, caf::exit_reason::kill);
}
