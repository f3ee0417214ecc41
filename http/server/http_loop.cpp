#include "http/server/http_loop.hpp"

// The loop half of the HTTP event loop: epoll, accepting, stopping and timeouts
// (http_connection_io.cpp has what happens on one connection).

#include "actors/log.hpp"
#include "http/server/response_writer.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <vector>

namespace onevalue {

namespace {

constexpr uint64_t listen_tag = 0;
constexpr uint64_t wake_tag = 1;
/// How often timeouts are checked; also bounds how late one fires.
constexpr std::chrono::milliseconds sweep_interval{250};
/// How long accepting pauses after running out of file descriptors or memory.
constexpr std::chrono::milliseconds accept_pause{100};

} // namespace

http_loop::http_loop(int listen_fd, const request_handler& handler,
                     const http_server_settings& settings,
                     std::atomic<std::size_t>& open_connections)
    : listen_fd_(listen_fd), handler_(handler), settings_(settings),
      open_connections_(open_connections) {
  parser_limits_.max_body_bytes = settings_.max_body_bytes;
  parser_limits_.max_header_bytes = settings_.max_header_bytes;
  epoll_fd_ = ::epoll_create1(EPOLL_CLOEXEC);
  inbox_ = std::make_shared<completion_inbox>();
  if (epoll_fd_ < 0 || inbox_->fd() < 0) {
    init_error_ = std::string{"cannot create an HTTP event loop: "} + std::strerror(errno);
    return;
  }
  epoll_event listen_event{};
  // EPOLLEXCLUSIVE: a new connection wakes one loop, not all of them.
  listen_event.events = EPOLLIN | EPOLLEXCLUSIVE;
  listen_event.data.u64 = listen_tag;
  epoll_event wake_event{};
  wake_event.events = EPOLLIN;
  wake_event.data.u64 = wake_tag;
  if (::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, listen_fd_, &listen_event) != 0
      || ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, inbox_->fd(), &wake_event) != 0)
    init_error_ = std::string{"cannot watch the HTTP socket: "} + std::strerror(errno);
}

http_loop::~http_loop() {
  for (auto& [id, c] : connections_) {
    ::close(c.fd);
    --open_connections_;
  }
  inbox_->close();
  if (epoll_fd_ >= 0)
    ::close(epoll_fd_);
}

void http_loop::stop() {
  stop_requested_ = true;
  inbox_->wake();
}

void http_loop::run() {
  inbox_->bind_to_current_thread();
  std::array<epoll_event, 128> events{};
  auto next_sweep = clock::now() + sweep_interval;
  clock::time_point drain_deadline;
  for (;;) {
    if (stop_requested_ && !draining_) {
      draining_ = true;
      drain_deadline = clock::now() + settings_.drain_timeout;
      ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, listen_fd_, nullptr);
    }
    if (draining_) {
      std::vector<uint64_t> idle;
      for (auto& [id, c] : connections_)
        if (is_idle(c))
          idle.push_back(id);
      for (auto id : idle)
        close_connection(id);
      if (connections_.empty() || clock::now() >= drain_deadline)
        break;
    }
    if (accept_paused_ && clock::now() >= accept_resume_at_)
      resume_accepting();
    auto wait = sweep_interval;
    if (draining_)
      wait = std::min(wait, std::chrono::duration_cast<std::chrono::milliseconds>(
                                drain_deadline - clock::now())
                                + std::chrono::milliseconds{1});
    int n = ::epoll_wait(epoll_fd_, events.data(), static_cast<int>(events.size()),
                         static_cast<int>(std::max<int64_t>(0, wait.count())));
    if (n < 0 && errno != EINTR) {
      OV_LOG_ERROR("HTTP event loop stopped: epoll_wait: {}", std::strerror(errno));
      break;
    }
    for (int i = 0; i < n; ++i) {
      auto tag = events[static_cast<std::size_t>(i)].data.u64;
      auto flags = events[static_cast<std::size_t>(i)].events;
      if (tag == listen_tag) {
        accept_all();
        continue;
      }
      if (tag == wake_tag) {
        inbox_->clear_wake();
        continue;
      }
      auto it = connections_.find(tag);
      if (it == connections_.end())
        continue;
      auto& c = it->second;
      bool was_blocked = c.out_sent < c.out.size();
      if ((flags & EPOLLOUT) != 0 && was_blocked && !flush(c))
        continue;
      if ((flags & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) != 0)
        on_readable(c, (flags & (EPOLLRDHUP | EPOLLHUP | EPOLLERR)) != 0);
      else if (was_blocked && c.out.empty())
        resume(c); // the blocked response went out: serve what waits behind it
    }
    apply_completions();
    auto now = clock::now();
    if (now >= next_sweep) {
      sweep_timeouts(now);
      next_sweep = now + sweep_interval;
    }
  }
  inbox_->close();
}

void http_loop::pause_accepting(const char* reason) {
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, listen_fd_, nullptr);
  accept_paused_ = true;
  accept_resume_at_ = clock::now() + accept_pause;
  auto now = clock::now();
  if (now - last_accept_warning_ > std::chrono::seconds{10}) {
    last_accept_warning_ = now;
    OV_LOG_WARN("HTTP accept failed ({}): not accepting for {} ms", reason,
                accept_pause.count());
  }
}

void http_loop::resume_accepting() {
  accept_paused_ = false;
  if (draining_)
    return;
  epoll_event listen_event{};
  listen_event.events = EPOLLIN | EPOLLEXCLUSIVE;
  listen_event.data.u64 = listen_tag;
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, listen_fd_, &listen_event);
}

void http_loop::accept_all() {
  for (;;) {
    int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
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
    if (open_connections_ >= settings_.max_connections) {
      auto refusal = closing_error_response(503, "too many open connections on this node");
      [[maybe_unused]] auto sent =
          ::send(fd, refusal.data(), refusal.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
      ::close(fd);
      continue;
    }
    int yes = 1;
    // Without TCP_NODELAY a keep-alive response can wait ~40 ms for Nagle (CAF-NOTES §6).
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof(yes));
    auto id = next_id_++;
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
    ev.data.u64 = id;
    if (::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev) != 0) {
      OV_LOG_WARN("HTTP connection not watched: {}", std::strerror(errno));
      ::close(fd);
      continue;
    }
    ++open_connections_;
    auto& c = connections_[id];
    c.fd = fd;
    c.id = id;
    c.last_activity = clock::now();
  }
}

void http_loop::close_connection(uint64_t id) {
  auto it = connections_.find(id);
  if (it == connections_.end())
    return;
  ::close(it->second.fd); // also removes it from the epoll set
  connections_.erase(it);
  --open_connections_;
}

bool http_loop::is_idle(const connection& c) const {
  return !c.awaiting_response && c.out.empty() && c.in.empty();
}

void http_loop::sweep_timeouts(clock::time_point now) {
  std::vector<uint64_t> expired;
  std::vector<uint64_t> slow_requests;
  for (auto& [id, c] : connections_) {
    if (c.lingering) {
      if (now - c.last_activity > settings_.read_timeout)
        expired.push_back(id);
      continue;
    }
    if (c.awaiting_response)
      continue; // the handler always answers (the API: writes and watches have deadlines)
    if (!c.out.empty()) {
      if (now - c.write_blocked_since > settings_.write_timeout)
        expired.push_back(id);
      continue;
    }
    // A started request must be complete within the read timeout however slowly its
    // bytes drip in (a slowloris client would otherwise hold the connection forever).
    if (!c.in.empty() && now - c.request_started > settings_.read_timeout)
      slow_requests.push_back(id);
    else if (c.in.empty() && now - c.last_activity > settings_.keep_alive_timeout)
      expired.push_back(id);
  }
  for (auto id : expired)
    close_connection(id);
  for (auto id : slow_requests) {
    auto& c = connections_.at(id);
    answer_and_close(c, 408, "request not completed within the read timeout");
  }
}

} // namespace onevalue
