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

int http_server::open_listener(std::string& error) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE;
  addrinfo* found = nullptr;
  auto port_text = std::to_string(settings_.port);
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
    bound_port_ = ntohs(reinterpret_cast<sockaddr_in*>(&addr)->sin_port);
  else
    bound_port_ = ntohs(reinterpret_cast<sockaddr_in6*>(&addr)->sin6_port);
  return fd;
}

std::string http_server::start() {
  auto where = settings_.bind_address + ":" + std::to_string(settings_.port);
  if (started_)
    return "HTTP server on " + where + " already started";
  std::string error;
  listen_fd_ = open_listener(error);
  if (listen_fd_ < 0)
    return "cannot bind HTTP on " + where + ": " + error;
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
  for (int i = 0; i < std::max(1, settings_.threads); ++i) {
    auto loop = std::make_unique<http_loop>(listen_fd_, handler_, ls, open_connections_);
    if (!loop->init_error().empty()) {
      auto reason = loop->init_error();
      loops_.clear();
      ::close(listen_fd_);
      listen_fd_ = -1;
      return reason;
    }
    loops_.push_back(std::move(loop));
  }
  started_ = true;
  for (auto& loop : loops_)
    threads_.emplace_back([l = loop.get()] { l->run(); });
  OV_LOG_INFO("HTTP API listening on {}:{} ({} event loop{})", settings_.bind_address,
              bound_port_, loops_.size(), loops_.size() == 1 ? "" : "s");
  return "";
}

void http_server::stop() {
  for (auto& loop : loops_)
    loop->stop();
  for (auto& t : threads_)
    t.join();
  threads_.clear();
  loops_.clear();
  if (listen_fd_ >= 0) {
    ::close(listen_fd_);
    listen_fd_ = -1;
  }
}

} // namespace onevalue
