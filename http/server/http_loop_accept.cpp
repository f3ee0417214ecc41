#include "http/server/http_loop.hpp"

// The accepting half of the HTTP event loop: accepting, admission against the limits
// (per client, per node, replacing the longest-idle connection), sharing accepted
// connections among the loops (connection_handoff.hpp) and starting to serve them
// (http_loop.cpp has the loop, idle tracking and timeouts).

#include "actors/log.hpp"
#include "http/server/response_writer.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace onevalue {

namespace {

/// How long accepting pauses after running out of file descriptors or memory.
constexpr std::chrono::milliseconds accept_pause{100};
/// Why a connection is refused at `max_connections` with no idle one to close.
constexpr const char* node_full = "too many open connections on this node; retry later";
/// How often a refused connection is logged at most.
constexpr std::chrono::seconds warning_interval{10};

} // namespace

void http_loop::pause_accepting(const char* reason) {
  watch_listeners(false);
  accept_paused_ = true;
  accept_resume_at_ = clock::now() + accept_pause;
  auto now = clock::now();
  if (now - last_accept_warning_ > warning_interval) {
    last_accept_warning_ = now;
    OV_LOG_WARN("HTTP accept failed ({}): not accepting for {} ms", reason,
                accept_pause.count());
  }
}

void http_loop::accept_all(int listen_fd, bool tls) {
  for (;;) {
    sockaddr_storage peer{};
    socklen_t peer_len = sizeof(peer);
    int fd = ::accept4(listen_fd, reinterpret_cast<sockaddr*>(&peer), &peer_len,
                       SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED)
        continue;
      // Out of descriptors or memory: the listening socket stays readable, so stop
      // watching it for a moment instead of spinning on it.
      if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM)
        pause_accepting(std::strerror(errno));
      else if (errno != EAGAIN && errno != EWOULDBLOCK)
        OV_LOG_WARN("HTTP accept failed: {}", std::strerror(errno));
      return;
    }
    accepted_socket s{fd, client_key(peer), tls, clock::now(), false};
    std::size_t evicting_loop = 0;
    if (!admit(s, evicting_loop)) {
      ::close(fd);
      continue;
    }
    assign(std::move(s), evicting_loop);
  }
}

void http_loop::refuse_admitted(const accepted_socket& s) {
  send_refusal(s.fd, s.tls, s.client, node_full);
  drop(s);
}

std::optional<std::size_t> http_loop::loop_with_idle() const {
  for (std::size_t i = 0; i < shared_.handoffs.size(); ++i)
    if (i != index_ && shared_.handoffs[i]->idle.load() > 0)
      return i;
  return std::nullopt;
}

void http_loop::assign(accepted_socket s, std::size_t evicting_loop) {
  auto& loops = shared_.handoffs;
  auto target = evicting_loop;
  if (!s.evict_first) {
    std::vector<std::size_t> loads;
    loads.reserve(loops.size());
    for (auto& h : loops)
      loads.push_back(h->load.load());
    target = pick_loop(loads, index_);
  }
  if (target != index_) {
    ++loops[target]->load;
    if (loops[target]->offer(s))
      return;
    --loops[target]->load;
  }
  // This loop's own, or the other loop stopped: served (or, for an evict_first socket,
  // refused: this loop has no idle connection) here.
  ++handoff_->load;
  adopt(std::move(s));
}

void http_loop::close_handoff() {
  for (auto& s : handoff_->close())
    drop(s);
}

void http_loop::adopt_handed_over() {
  for (auto& s : handoff_->take()) {
    if (draining_)
      drop(s);
    else
      adopt(std::move(s));
  }
}

void http_loop::drop(const accepted_socket& s) {
  ::close(s.fd);
  shared_.clients.release(s.client);
  --shared_.open_connections;
  --handoff_->load;
}

bool http_loop::admit(accepted_socket& s, std::size_t& evicting_loop) {
  // The client's own limit first: a client past it must not close anyone else's
  // idle connection to make room.
  if (!shared_.clients.acquire(s.client)) {
    send_refusal(s.fd, s.tls, s.client,
                 "too many open connections from your address; close some and retry");
    return false;
  }
  if (shared_.open_connections >= settings_.max_connections && !evict_idle()) {
    // None idle here: a loop with an idle connection closes its longest-idle one and
    // serves this one instead.
    auto other = loop_with_idle();
    if (!other) {
      shared_.clients.release(s.client);
      send_refusal(s.fd, s.tls, s.client, node_full);
      return false;
    }
    s.evict_first = true;
    evicting_loop = *other;
  }
  // Counted here, not when a loop starts serving it, so that connections on their way
  // to another loop count against the limit too.
  ++shared_.open_connections;
  return true;
}

void http_loop::send_refusal(int fd, bool tls, const std::string& client,
                             const char* reason) {
  auto now = clock::now();
  if (now - last_limit_warning_ > warning_interval) {
    last_limit_warning_ = now;
    OV_LOG_WARN("HTTP connection from {} refused: {}", describe_client(client), reason);
  }
  // On the HTTPS port a plaintext answer would be noise to the client; it is closed.
  if (!tls) {
    auto answer = closing_error_response(503, reason, {{"Retry-After", "1"}});
    [[maybe_unused]] auto sent =
        ::send(fd, answer.data(), answer.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
  }
}

void http_loop::adopt(accepted_socket s) {
  if (s.evict_first && !evict_idle()) {
    // The idle connection it was sent here for is gone (busy again, or closed).
    refuse_admitted(s);
    return;
  }
  std::unique_ptr<tls_session> session;
  if (s.tls) {
    session = std::make_unique<tls_session>(shared_.tls->native());
    if (!session->valid()) {
      OV_LOG_WARN("HTTPS connection dropped: cannot create a TLS session");
      drop(s);
      return;
    }
  }
  int yes = 1;
  // Without TCP_NODELAY a keep-alive response can wait ~40 ms for Nagle (CAF-NOTES §6).
  ::setsockopt(s.fd, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof(yes));
  auto id = next_id_++;
  epoll_event ev{};
  ev.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
  ev.data.u64 = id;
  if (::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, s.fd, &ev) != 0) {
    OV_LOG_WARN("HTTP connection not watched: {}", std::strerror(errno));
    drop(s);
    return;
  }
  auto& c = connections_[id];
  c.fd = s.fd;
  c.id = id;
  c.client = std::move(s.client);
  c.tls = std::move(session);
  c.accepted_at = s.accepted_at;
  c.last_activity = clock::now();
  track_idle(c);
}

bool http_loop::evict_idle() {
  if (idle_order_.empty())
    return false;
  close_connection(idle_order_.front());
  return true;
}

} // namespace onevalue
