#include "actors/tcp_connector.hpp"

#include "actors/protocol.hpp"

#include <caf/all.hpp>

#include <atomic>
#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace onevalue {

namespace {

/// Polls in slices this long, so an exit of the broker ends the wait soon.
constexpr std::chrono::milliseconds poll_slice{50};

/// The first IPv4 address of `host`, or an error.
bool resolve(const std::string& host, uint16_t port, sockaddr_in& out,
             std::string& error) {
  addrinfo hints{};
  hints.ai_family = AF_INET;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  auto service = std::to_string(port);
  if (int rc = getaddrinfo(host.c_str(), service.c_str(), &hints, &found); rc != 0) {
    error = std::string{"cannot resolve "} + host + ": " + gai_strerror(rc);
    return false;
  }
  std::memcpy(&out, found->ai_addr, sizeof(out));
  freeaddrinfo(found);
  return true;
}

/// Connects to `addr` within `timeout`; returns the descriptor or -1 with `error` set.
int connect_within(caf::blocking_actor* self, const sockaddr_in& addr,
                   std::chrono::milliseconds timeout, std::string& error) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    error = std::string{"socket: "} + std::strerror(errno);
    return -1;
  }
  auto fail = [&](std::string why) {
    error = std::move(why);
    ::close(fd);
    return -1;
  };
  // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast): the socket API
  if (connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)) != 0
      && errno != EINPROGRESS)
    return fail(std::string{"connect: "} + std::strerror(errno));
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    pollfd p{fd, POLLOUT, 0};
    int rc = poll(&p, 1, static_cast<int>(poll_slice.count()));
    if (rc < 0 && errno != EINTR)
      return fail(std::string{"poll: "} + std::strerror(errno));
    if (rc > 0)
      break;
    if (std::chrono::steady_clock::now() >= deadline)
      return fail("connect timed out after " + std::to_string(timeout.count()) + " ms");
    if (!self->mailbox().empty())
      return fail("connect abandoned: the transport stopped");
  }
  int so_error = 0;
  socklen_t len = sizeof(so_error);
  if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &so_error, &len) != 0 || so_error != 0)
    return fail(std::string{"connect: "}
                + std::strerror(so_error != 0 ? so_error : errno));
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  return fd;
}

} // namespace

/// Closes the descriptor when the last handle goes, unless it was released.
struct dialed_socket::owner {
  std::atomic<int> fd;
  explicit owner(int descriptor) : fd(descriptor) {}
  owner(const owner&) = delete;
  owner& operator=(const owner&) = delete;
  owner(owner&&) = delete;
  owner& operator=(owner&&) = delete;
  ~owner() {
    if (int d = fd.exchange(-1); d >= 0)
      ::close(d);
  }
};

dialed_socket::dialed_socket(int fd) {
  if (fd >= 0)
    owner_ = std::make_shared<owner>(fd);
}

int dialed_socket::release() const {
  return owner_ ? owner_->fd.exchange(-1) : -1;
}

bool dialed_socket::holds() const {
  return owner_ && owner_->fd.load() >= 0;
}

void tcp_connector(caf::blocking_actor* self, caf::actor broker, uint64_t id,
                   std::string host, uint16_t port, std::chrono::milliseconds timeout) {
  self->link_to(broker);
  std::string error;
  sockaddr_in addr{};
  int fd =
      resolve(host, port, addr, error) ? connect_within(self, addr, timeout, error) : -1;
  self->unlink_from(broker);
  // Owned by the message from here: if `broker` is gone, or quits before handling it,
  // dropping the message closes the socket.
  caf::anon_send(broker, dialed_atom::value, id, dialed_socket{fd}, std::move(error));
}

} // namespace onevalue
