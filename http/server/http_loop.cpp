#include "http/server/http_loop.hpp"

// The loop half of the HTTP event loop: epoll, stopping, idle tracking and timeouts
// (http_loop_accept.cpp has accepting, the limits and the sharing of connections among
// the loops; http_connection_io.cpp what happens on one connection).

#include "actors/log.hpp"
#include "http/server/response_writer.hpp"

#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <vector>

namespace onevalue {

namespace {

constexpr uint64_t plain_listen_tag = 0;
constexpr uint64_t tls_listen_tag = 1;
constexpr uint64_t wake_tag = 2;
/// How often timeouts are checked; also bounds how late one fires.
constexpr std::chrono::milliseconds sweep_interval{250};

} // namespace

http_loop::http_loop(http_loop_shared& shared, std::size_t index)
    : shared_(shared), settings_(shared.settings), index_(index) {
  parser_limits_.max_body_bytes = settings_.max_body_bytes;
  parser_limits_.max_header_bytes = settings_.max_header_bytes;
  epoll_fd_ = ::epoll_create1(EPOLL_CLOEXEC);
  inbox_ = std::make_shared<completion_inbox>();
  handoff_ = std::make_shared<connection_handoff>(inbox_);
  if (epoll_fd_ < 0 || inbox_->fd() < 0) {
    init_error_ =
        std::string{"cannot create an HTTP event loop: "} + std::strerror(errno);
    return;
  }
  epoll_event wake_event{};
  wake_event.events = EPOLLIN;
  wake_event.data.u64 = wake_tag;
  if (::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, inbox_->fd(), &wake_event) != 0) {
    init_error_ = std::string{"cannot watch the HTTP socket: "} + std::strerror(errno);
    return;
  }
  watch_listeners(true);
}

http_loop::~http_loop() {
  close_handoff();
  for (auto& [id, c] : connections_) {
    ::close(c.fd);
    shared_.clients.release(c.client);
    --shared_.open_connections;
    --handoff_->load;
    if (c.in_idle_order)
      --handoff_->idle;
  }
  inbox_->close();
  if (epoll_fd_ >= 0)
    ::close(epoll_fd_);
}

void http_loop::stop() {
  stop_requested_ = true;
  inbox_->wake();
}

void http_loop::watch_listeners(bool on) {
  for (auto [fd, tag] : {std::pair{shared_.plain_fd, plain_listen_tag},
                         std::pair{shared_.tls_fd, tls_listen_tag}}) {
    if (fd < 0)
      continue;
    if (!on) {
      ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
      continue;
    }
    epoll_event listen_event{};
    // EPOLLEXCLUSIVE: a new connection wakes one loop, not all of them.
    listen_event.events = EPOLLIN | EPOLLEXCLUSIVE;
    listen_event.data.u64 = tag;
    if (::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &listen_event) != 0
        && init_error_.empty() && errno != EEXIST)
      init_error_ = std::string{"cannot watch the HTTP socket: "} + std::strerror(errno);
  }
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
      watch_listeners(false);
      // Loops still serving keep what they accept from now on.
      close_handoff();
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
    if (accept_paused_ && clock::now() >= accept_resume_at_) {
      accept_paused_ = false;
      if (!draining_)
        watch_listeners(true);
    }
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
      if (tag == plain_listen_tag || tag == tls_listen_tag) {
        if (!draining_ && !accept_paused_)
          accept_all(tag == tls_listen_tag ? shared_.tls_fd : shared_.plain_fd,
                     tag == tls_listen_tag);
        continue;
      }
      if (tag == wake_tag) {
        inbox_->clear_wake();
        adopt_handed_over();
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
      if (auto again = connections_.find(tag); again != connections_.end())
        track_idle(again->second);
    }
    apply_completions();
    auto now = clock::now();
    if (now >= next_sweep) {
      sweep_timeouts(now);
      next_sweep = now + sweep_interval;
    }
  }
  inbox_->close();
  // Other loops may still be accepting: what they hand over from now on is theirs.
  close_handoff();
}

void http_loop::track_idle(connection& c) {
  bool idle = is_idle(c);
  if (idle && !c.in_idle_order) {
    c.idle_pos = idle_order_.insert(idle_order_.end(), c.id);
    c.in_idle_order = true;
    ++handoff_->idle;
  } else if (!idle && c.in_idle_order) {
    idle_order_.erase(c.idle_pos);
    --handoff_->idle;
    c.in_idle_order = false;
  }
}

void http_loop::close_connection(uint64_t id) {
  auto it = connections_.find(id);
  if (it == connections_.end())
    return;
  auto& c = it->second;
  if (c.in_idle_order) {
    idle_order_.erase(c.idle_pos);
    --handoff_->idle;
  }
  ::close(c.fd); // also removes it from the epoll set
  shared_.clients.release(c.client);
  connections_.erase(it);
  --shared_.open_connections;
  --handoff_->load;
}

bool http_loop::is_idle(const connection& c) const {
  return !c.awaiting_response && c.out.empty() && c.in.empty();
}

http_loop::timeout_verdict http_loop::check_timeouts(const connection& c,
                                                     clock::time_point now) const {
  if (c.lingering)
    return now - c.last_activity > settings_.read_timeout ? timeout_verdict::close
                                                          : timeout_verdict::none;
  if (c.awaiting_response)
    return timeout_verdict::none; // the handler always answers (writes and watches
                                  // have deadlines)
  if (!c.out.empty())
    return now - c.write_blocked_since > settings_.write_timeout ? timeout_verdict::close
                                                                 : timeout_verdict::none;
  if (c.tls && !c.tls->handshake_done())
    return now - c.accepted_at > settings_.tls.handshake_timeout ? timeout_verdict::close
                                                                 : timeout_verdict::none;
  // A new connection must send its request line soon after it was opened; a kept-
  // alive one soon after its next request began. One that sent nothing gets no answer.
  auto line_clock = c.requests == 0 ? c.accepted_at : c.request_started;
  if (!c.has_request_line && (c.requests == 0 || !c.in.empty())
      && now - line_clock > settings_.request_header_timeout)
    return c.in.empty() ? timeout_verdict::close : timeout_verdict::answer_408;
  // A started request must be complete within the read timeout however slowly its
  // bytes drip in (a slowloris client would otherwise hold the connection).
  if (!c.in.empty())
    return now - c.request_started > settings_.read_timeout ? timeout_verdict::answer_408
                                                            : timeout_verdict::none;
  if (c.requests > 0 && now - c.last_activity > settings_.keep_alive_timeout)
    return timeout_verdict::close;
  return timeout_verdict::none;
}

void http_loop::sweep_timeouts(clock::time_point now) {
  std::vector<uint64_t> expired;
  std::vector<uint64_t> slow_requests;
  for (auto& [id, c] : connections_) {
    auto verdict = check_timeouts(c, now);
    if (verdict == timeout_verdict::close)
      expired.push_back(id);
    else if (verdict == timeout_verdict::answer_408)
      slow_requests.push_back(id);
  }
  for (auto id : expired)
    close_connection(id);
  for (auto id : slow_requests) {
    auto& c = connections_.at(id);
    answer_and_close(c, 408, "request not completed within the time allowed");
    if (auto again = connections_.find(id); again != connections_.end())
      track_idle(again->second);
  }
}

} // namespace onevalue
