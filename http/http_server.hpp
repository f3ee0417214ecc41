#pragma once

#include "http/router.hpp"

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>

namespace httplib {
class Server;
}

namespace onevalue {

/// Settings of the HTTP listener.
struct http_server_settings {
  /// Address to listen on, e.g. "0.0.0.0" or "127.0.0.2".
  std::string bind_address = "0.0.0.0";
  /// TCP port; 0 picks a free port (see `http_server::port()`).
  uint16_t port = 8080;
  /// Worker threads, each serving one connection at a time (keep-alive connections
  /// hold a thread while open). More threads serve more concurrent clients at the
  /// cost of memory and contention with CAF's workers on a small machine. A blocking
  /// read holds its thread while it waits, so main sizes this as `http-threads +
  /// max-watchers`: the watchers can never take the threads ordinary requests need.
  int threads = 8;
  /// Largest request body in bytes; larger ones get 413 before they are read.
  std::size_t max_body_bytes = 4096;
  /// How long a read or write on a client socket may stall before the connection is
  /// dropped; protects worker threads from slow clients.
  std::chrono::milliseconds read_timeout{5000};
  std::chrono::milliseconds write_timeout{5000};
  /// How long an idle keep-alive connection is kept open. Also bounds how long
  /// `stop()` waits for idle connections, so keep it short (shutdown must take < 2 s).
  std::chrono::seconds keep_alive_timeout{1};
  /// Requests served on one connection before it is closed. httplib closes the
  /// connection after this many; a benchmark client (wrk) then reconnects through
  /// httplib's listen backlog of 5, which cost tail latency at 1000 (issue 6). Idle
  /// connections are still closed after `keep_alive_timeout`.
  std::size_t keep_alive_max_count = 100000;
};

/// The HTTP listener: a cpp-httplib server whose every request goes to `route()`.
///
/// Owned by main; it owns the httplib server and its accept thread. `start()` and
/// `stop()` are called from main's thread; handlers run on httplib's worker threads
/// and call the backend concurrently. Stop it before the actor system goes away.
class http_server {
public:
  /// `backend` must outlive this server.
  http_server(gateway_backend& backend, http_server_settings settings);

  /// Stops and joins (see `stop()`).
  ~http_server();

  http_server(const http_server&) = delete;
  http_server& operator=(const http_server&) = delete;

  /// Binds synchronously and starts serving on a background thread.
  ///
  /// Returns "" once the server accepts connections, or a message such as
  /// "cannot bind HTTP on 127.0.0.2:8080: Address already in use" if it cannot bind
  /// (then nothing is running). Calling it twice returns an error.
  std::string start();

  /// Stops accepting, waits for in-flight requests and joins the thread. Idempotent;
  /// may take up to the keep-alive timeout while idle connections wind down.
  /// Blocking reads are in-flight requests too: wake them first with
  /// `snapshot_store::stop_watchers()`, or this waits until their `wait` expires.
  void stop();

  /// The bound port (useful when the settings asked for port 0); 0 before `start()`.
  uint16_t port() const { return bound_port_; }

private:
  void install_handlers();

  gateway_backend& backend_;
  http_server_settings settings_;
  router_limits limits_;
  std::unique_ptr<httplib::Server> server_;
  std::thread listener_;
  std::atomic<bool> listener_done_{false};
  uint16_t bound_port_ = 0;
  bool started_ = false;
};

} // namespace onevalue
