#include "http/server/http_server.hpp"

#include "actors/log.hpp"
#include "http/server/http_loop.hpp"

#include <netdb.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace onevalue {

http_server::http_server(request_handler handler, http_server_settings settings)
    : handler_(std::move(handler)), settings_(std::move(settings)) {
  // nop
}

http_server::~http_server() {
  stop();
}

std::size_t http_server::open_connections() const {
  return shared_ ? shared_->open_connections.load() : 0;
}

std::vector<std::size_t> http_server::connections_per_loop() const {
  std::vector<std::size_t> out;
  if (shared_)
    for (auto& h : shared_->handoffs)
      out.push_back(h->load.load());
  return out;
}

std::size_t http_server::idle_connections() const {
  std::size_t idle = 0;
  if (shared_)
    for (auto& h : shared_->handoffs)
      idle += h->idle.load();
  return idle;
}

int http_server::open_listener(uint16_t port, uint16_t& bound, std::string& error) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE;
  addrinfo* found = nullptr;
  auto port_text = std::to_string(port);
  if (int rc = ::getaddrinfo(settings_.bind_address.c_str(), port_text.c_str(), &hints,
                             &found);
      rc != 0) {
    error = ::gai_strerror(rc);
    return -1;
  }
  int fd = -1;
  for (auto* ai = found; ai != nullptr; ai = ai->ai_next) {
    fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
                  ai->ai_protocol);
    if (fd < 0) {
      error = std::strerror(errno);
      continue;
    }
    int yes = 1;
    // SO_REUSEADDR only: SO_REUSEPORT would let a second process bind the same address
    // and port and silently share its traffic.
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
    if (::bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 && ::listen(fd, SOMAXCONN) == 0)
      break;
    error = std::strerror(errno);
    ::close(fd);
    fd = -1;
  }
  ::freeaddrinfo(found);
  if (fd < 0)
    return -1;
  sockaddr_storage addr{};
  socklen_t len = sizeof(addr);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  if (addr.ss_family == AF_INET)
    bound = ntohs(reinterpret_cast<sockaddr_in*>(&addr)->sin_port);
  else
    bound = ntohs(reinterpret_cast<sockaddr_in6*>(&addr)->sin6_port);
  return fd;
}

std::string http_server::start() {
  if (started_)
    return "HTTP server on " + settings_.bind_address + " already started";
  if (!settings_.plain_enabled && !settings_.tls.enabled)
    return "neither HTTP nor HTTPS is enabled";
  auto ls = settings_;
  // Past the process's descriptor limit accept fails anyway; keep a reserve for the
  // node's own files and cluster sockets and refuse politely (503) before that.
  rlimit files{};
  if (::getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur != RLIM_INFINITY) {
    constexpr rlim_t reserve = 64;
    auto usable = files.rlim_cur > reserve ? files.rlim_cur - reserve : 1;
    if (ls.max_connections > usable) {
      OV_LOG_INFO("HTTP: at most {} connections (the descriptor limit is {})", usable,
                  files.rlim_cur);
      ls.max_connections = static_cast<std::size_t>(usable);
    }
  }
  auto shared = std::make_unique<http_loop_shared>(handler_, std::move(ls));
  if (settings_.tls.enabled) {
    shared->tls = std::make_unique<tls_context>(settings_.tls);
    if (!shared->tls->error().empty())
      return shared->tls->error();
  }
  std::string error;
  if (settings_.plain_enabled) {
    shared->plain_fd = open_listener(settings_.port, bound_port_, error);
    if (shared->plain_fd < 0)
      return "cannot bind HTTP on " + settings_.bind_address + ":"
             + std::to_string(settings_.port) + ": " + error;
  }
  if (settings_.tls.enabled) {
    shared->tls_fd = open_listener(settings_.tls.port, bound_tls_port_, error);
    if (shared->tls_fd < 0) {
      if (shared->plain_fd >= 0)
        ::close(shared->plain_fd);
      bound_port_ = 0;
      return "cannot bind HTTPS on " + settings_.bind_address + ":"
             + std::to_string(settings_.tls.port) + ": " + error;
    }
  }
  shared_ = std::move(shared);
  return start_loops();
}

std::string http_server::start_loops() {
  for (int i = 0; i < std::max(1, settings_.threads); ++i) {
    auto loop = std::make_unique<http_loop>(*shared_, static_cast<std::size_t>(i));
    if (!loop->init_error().empty()) {
      auto reason = loop->init_error();
      loops_.clear();
      stop();
      return reason;
    }
    shared_->handoffs.push_back(loop->handoff());
    loops_.push_back(std::move(loop));
  }
  started_ = true;
  for (auto& loop : loops_)
    threads_.emplace_back([l = loop.get()] { l->run(); });
  std::string where;
  if (shared_->plain_fd >= 0)
    where = "http " + settings_.bind_address + ":" + std::to_string(bound_port_);
  if (shared_->tls_fd >= 0)
    where +=
        std::string{where.empty() ? "" : ", "} + "https " + settings_.bind_address + ":"
        + std::to_string(bound_tls_port_)
        + (settings_.tls.client_ca_file.empty() ? "" : " (client certificates required)");
  OV_LOG_INFO("HTTP API listening on {} ({} event loop{})", where, loops_.size(),
              loops_.size() == 1 ? "" : "s");
  return "";
}

void http_server::stop() {
  for (auto& loop : loops_)
    loop->stop();
  for (auto& t : threads_)
    t.join();
  threads_.clear();
  loops_.clear();
  if (shared_) {
    shared_->handoffs.clear();
    for (int fd : {shared_->plain_fd, shared_->tls_fd})
      if (fd >= 0)
        ::close(fd);
    shared_->plain_fd = shared_->tls_fd = -1;
  }
}

} // namespace onevalue
