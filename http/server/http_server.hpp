#pragma once

#include "http/server/http_message.hpp"

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace onevalue {

class http_loop;

/// Settings of the HTTP listener.
struct http_server_settings {
  /// Address to listen on, e.g. "0.0.0.0" or "127.0.0.2" (a name is resolved).
  std::string bind_address = "0.0.0.0";
  /// TCP port; 0 picks a free port (see `http_server::port()`).
  uint16_t port = 8080;
  /// Event-loop threads. Each serves any number of connections without blocking
  /// (idle keep-alive connections and blocking reads hold no thread), so this is about
  /// cores, not clients: more loops use more cores under load but compete with CAF's
  /// workers and the clients on a small machine. 1 or 2 suit most nodes.
  int threads = 2;
  /// Largest request body in bytes; larger ones get 413 before they are read.
  std::size_t max_body_bytes = 4096;
  /// Largest request line plus headers in bytes; more gets 431.
  std::size_t max_header_bytes = 8192;
  /// How long a started request may take to arrive completely, and how long a
  /// response may wait for the client to read it, before the connection is dropped
  /// (408 for the request); protects the node from slow or stuck clients.
  std::chrono::milliseconds read_timeout{5000};
  std::chrono::milliseconds write_timeout{5000};
  /// How long an idle keep-alive connection is kept open. Costs a few hundred bytes
  /// per idle client; too short makes clients that pause reconnect.
  std::chrono::milliseconds keep_alive_timeout{30000};
  /// How long `stop()` lets in-flight requests finish before closing them.
  std::chrono::milliseconds drain_timeout{2000};
  /// Open connections at most (all loops); past it a new connection gets 503 and is
  /// closed. Each costs a file descriptor and its buffers; `start()` lowers it to the
  /// process's descriptor limit (RLIMIT_NOFILE) minus 64.
  std::size_t max_connections = 10000;
};

/// The HTTP listener: one non-blocking listening socket shared by `threads` event
/// loops (epoll, EPOLLEXCLUSIVE accept), each serving its connections with the pure
/// HTTP parser and the request handler (in a node: the API's `route()`).
///
/// Owned by main; it owns the socket and the loop threads. `start()` and `stop()` are
/// called from main's thread; the handler is called from the loop threads and may
/// answer later from any thread (writes, blocking reads). Stop it before the actor system
/// goes away.
class http_server {
public:
  /// `handler` answers every parsed request (see `request_handler`).
  http_server(request_handler handler, http_server_settings settings);

  /// Stops and joins (see `stop()`).
  ~http_server();

  http_server(const http_server&) = delete;
  http_server& operator=(const http_server&) = delete;

  /// Binds synchronously and starts the loops.
  ///
  /// Returns "" once the server accepts connections, or a message such as
  /// "cannot bind HTTP on 127.0.0.2:8080: Address already in use" if it cannot bind
  /// (then nothing is running). Calling it twice returns an error.
  std::string start();

  /// Stops accepting, lets in-flight requests finish (up to `drain_timeout`), closes
  /// every connection and joins the loops. Idempotent. Blocking reads are in-flight
  /// requests too: wake them first with `snapshot_store::stop_watchers()`.
  void stop();

  /// The bound port (useful when the settings asked for port 0); 0 before `start()`.
  uint16_t port() const { return bound_port_; }

  /// Connections open right now (all loops).
  std::size_t open_connections() const { return open_connections_; }

private:
  /// Creates, binds and listens; returns the fd or -1 with `error` set.
  int open_listener(std::string& error);

  request_handler handler_;
  http_server_settings settings_;
  int listen_fd_ = -1;
  std::atomic<std::size_t> open_connections_{0};
  std::vector<std::unique_ptr<http_loop>> loops_;
  std::vector<std::thread> threads_;
  uint16_t bound_port_ = 0;
  bool started_ = false;
};

} // namespace onevalue
