#include "http/http_server.hpp"

#include "actors/log.hpp"
#include "http/json_codec.hpp"

#include <arpa/inet.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>

namespace onevalue {

namespace {

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

http_request to_request(const httplib::Request& req) {
  http_request out;
  out.method = req.method;
  out.path = req.path;
  out.body = req.body;
  for (const auto& [name, value] : req.headers)
    out.headers[lower(name)] = value;
  for (const auto& [name, value] : req.params)
    out.query.emplace(name, value);
  out.content_type = req.get_header_value("Content-Type");
  return out;
}

void fill_response(const http_response& from, httplib::Response& to) {
  to.status = from.status;
  for (const auto& [name, value] : from.headers)
    to.set_header(name, value);
  if (!from.content_type.empty())
    to.set_content(from.body, from.content_type.c_str());
}

/// Raises the listen backlog of this process's listening TCP socket on `port`.
///
/// Debian's httplib 0.11 is compiled with a backlog of 5: 32 clients connecting at once
/// (wrk -c32) overflowed it, and every dropped SYN cost its client a 1 s retransmit
/// (issue 6). httplib does not expose its socket, so this finds it by its port; calling
/// listen() again on a listening socket only changes the backlog. Does nothing when no
/// socket matches.
void widen_listen_backlog(uint16_t port) {
  for (int fd = 3; fd < 1024; ++fd) {
    int listening = 0;
    socklen_t len = sizeof(listening);
    if (::getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len) != 0 || !listening)
      continue;
    sockaddr_in addr{};
    socklen_t addr_len = sizeof(addr);
    if (::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &addr_len) != 0
        || addr.sin_family != AF_INET || ntohs(addr.sin_port) != port)
      continue;
    ::listen(fd, SOMAXCONN);
  }
}

} // namespace

http_server::http_server(gateway_backend& backend, http_server_settings settings)
    : backend_(backend), settings_(std::move(settings)),
      server_(std::make_unique<httplib::Server>()) {
  limits_.max_body_bytes = settings_.max_body_bytes;
  install_handlers();
}

http_server::~http_server() {
  stop();
}

void http_server::install_handlers() {
  auto& svr = *server_;
  auto threads = static_cast<size_t>(std::max(1, settings_.threads));
  // Debian's httplib is compiled: the thread-pool macro has no effect here.
  svr.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  // Without TCP_NODELAY every keep-alive request waits ~40 ms for Nagle (CAF-NOTES §6).
  svr.set_tcp_nodelay(true);
  // httplib's default also sets SO_REUSEPORT, which lets a second process bind the
  // same address and port and silently share its traffic; only SO_REUSEADDR here.
  svr.set_socket_options([](socket_t sock) {
    int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
  });
  svr.set_payload_max_length(settings_.max_body_bytes);
  svr.set_read_timeout(settings_.read_timeout);
  svr.set_write_timeout(settings_.write_timeout);
  svr.set_keep_alive_timeout(static_cast<time_t>(settings_.keep_alive_timeout.count()));
  svr.set_keep_alive_max_count(std::max<std::size_t>(1, settings_.keep_alive_max_count));
  auto handler = [this](const httplib::Request& req, httplib::Response& res) {
    fill_response(route(to_request(req), backend_, limits_), res);
  };
  // Catch-all routes: the router alone decides 404 and 405.
  svr.Get(".*", handler);
  svr.Post(".*", handler);
  svr.Put(".*", handler);
  svr.Delete(".*", handler);
  svr.Patch(".*", handler);
  svr.Options(".*", handler);
  // Errors httplib produces itself (413 before reading a body, 400 on a bad request
  // line) get the same JSON error shape; responses from the router already have one.
  svr.set_error_handler(httplib::Server::HandlerWithResponse{
      [](const httplib::Request&, httplib::Response& res) {
        if (!res.body.empty())
          return httplib::Server::HandlerResponse::Unhandled;
        std::string message = "HTTP error " + std::to_string(res.status);
        if (res.status == 413)
          message = "request body too large";
        else if (res.status == 400)
          message = "malformed HTTP request";
        res.set_content(error_body(message), "application/json");
        return httplib::Server::HandlerResponse::Handled;
      }});
  svr.set_exception_handler(
      [](const httplib::Request& req, httplib::Response& res, std::exception_ptr ep) {
        std::string what = "unknown exception";
        try {
          if (ep)
            std::rethrow_exception(ep);
        } catch (const std::exception& e) {
          what = e.what();
        } catch (...) {
        }
        OV_LOG_ERROR("HTTP {} {} failed: {}", req.method, req.path, what);
        res.status = 500;
        res.set_content(error_body("internal error"), "application/json");
      });
}

std::string http_server::start() {
  auto where = settings_.bind_address + ":" + std::to_string(settings_.port);
  if (started_)
    return "HTTP server on " + where + " already started";
  int port = settings_.port;
  bool bound = false;
  errno = 0;
  if (port == 0) {
    port = server_->bind_to_any_port(settings_.bind_address);
    bound = port > 0;
  } else {
    bound = server_->bind_to_port(settings_.bind_address, port);
  }
  if (!bound) {
    auto reason = errno != 0 ? std::string{std::strerror(errno)}
                             : std::string{"address not usable"};
    return "cannot bind HTTP on " + where + ": " + reason;
  }
  bound_port_ = static_cast<uint16_t>(port);
  widen_listen_backlog(bound_port_);
  started_ = true;
  listener_ = std::thread{[this] {
    if (!server_->listen_after_bind())
      OV_LOG_ERROR("HTTP listener on {}:{} stopped with an error", settings_.bind_address,
                   bound_port_);
    listener_done_ = true;
  }};
  // httplib's stop() is a no-op until the listener thread marked itself running, so
  // wait for that here; then start() returning means stop() always works.
  while (!server_->is_running() && !listener_done_)
    std::this_thread::yield();
  OV_LOG_INFO("HTTP API listening on {}:{}", settings_.bind_address, bound_port_);
  return "";
}

void http_server::stop() {
  if (!listener_.joinable())
    return;
  server_->stop();
  listener_.join();
}

} // namespace onevalue
