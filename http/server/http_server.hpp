#pragma once

#include "http/server/http_message.hpp"
#include "http/server/tls_context.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace onevalue {

class http_loop;
struct http_loop_shared;

/// Settings of the HTTP listeners.
struct http_server_settings {
  /// Address to listen on, e.g. "0.0.0.0" or "127.0.0.2" (a name is resolved); both
  /// the plain and the HTTPS listener use it.
  std::string bind_address = "0.0.0.0";
  /// Serve plain HTTP on `port` (config: `http-port = 0` turns it off).
  bool plain_enabled = true;
  /// TCP port of plain HTTP; 0 picks a free port (see `http_server::port()`).
  uint16_t port = 8080;
  /// HTTPS on a second port, served by the same event loops (off by default).
  tls_settings tls;
  /// Event-loop threads. Each serves any number of connections without blocking
  /// (idle keep-alive connections and blocking reads hold no thread), so this is about
  /// cores, not clients: more loops use more cores under load but compete with CAF's
  /// workers and the clients on a small machine. 1 or 2 suit most nodes.
  int threads = 2;
  /// Largest request body in bytes; larger ones get 413 before they are read.
  std::size_t max_body_bytes = 4096;
  /// Largest request line plus headers in bytes; more gets 431 (414 if the request
  /// line alone is longer).
  std::size_t max_header_bytes = 8192;
  /// How long a new connection may take to send a complete request line (counted from
  /// the accept, TLS handshake included), and a kept-alive one from the first byte of
  /// its next request. Past it the connection is closed (with 408 if it sent part of a
  /// line). Frees the slots of clients that connect and send nothing; too short fails
  /// clients on slow links that open a connection before they know what to ask.
  std::chrono::milliseconds request_header_timeout{5000};
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
  /// Open connections at most (all loops). At the limit a new connection first
  /// replaces the accepting loop's longest-idle connection (one with no request in
  /// progress, as nginx reuses keep-alive connections), else another loop's; if no
  /// loop has one it gets 503 with
  /// `Retry-After` and is closed (plain HTTP; an HTTPS one is just closed). Each costs
  /// a file descriptor and its buffers; `start()` lowers it to the process's
  /// descriptor limit (RLIMIT_NOFILE) minus 64.
  std::size_t max_connections = 10000;
  /// Open connections at most from one source address (0: no limit); more get 503
  /// with `Retry-After` at once, so one client cannot take every slot. Clients behind
  /// one NAT or proxy share it; raise it for them.
  std::size_t max_connections_per_client = 64;
};

/// The HTTP listeners: a non-blocking plain and/or HTTPS listening socket shared by
/// `threads` event loops (epoll, EPOLLEXCLUSIVE accept; each accepted connection goes
/// to the loop serving the fewest), each serving its connections
/// with the pure HTTP parser and the request handler (in a node: the API's `route()`).
///
/// Owned by main; it owns the sockets, the TLS context and the loop threads. `start()`
/// and `stop()` are called from main's thread; the handler is called from the loop
/// threads and may answer later from any thread (writes, blocking reads). Stop it
/// before the actor system goes away.
class http_server {
public:
  /// `handler` answers every parsed request (see `request_handler`).
  http_server(request_handler handler, http_server_settings settings);

  /// Stops and joins (see `stop()`).
  ~http_server();

  http_server(const http_server&) = delete;
  http_server& operator=(const http_server&) = delete;

  /// Loads the TLS files (if HTTPS is on), binds synchronously and starts the loops.
  ///
  /// Returns "" once the server accepts connections, or a message such as
  /// "cannot bind HTTP on 127.0.0.2:8080: Address already in use" or "cannot load the
  /// HTTPS key key.pem: ..." (then nothing is running). Calling it twice, or with
  /// neither plain HTTP nor HTTPS enabled, returns an error.
  std::string start();

  /// Stops accepting, lets in-flight requests finish (up to `drain_timeout`), closes
  /// every connection and joins the loops. Idempotent. Blocking reads are in-flight
  /// requests too: wake them first with `snapshot_store::stop_watchers()`.
  void stop();

  /// The bound plain HTTP port (useful when the settings asked for port 0); 0 before
  /// `start()` or when plain HTTP is off.
  uint16_t port() const { return bound_port_; }

  /// The bound HTTPS port; 0 before `start()` or when HTTPS is off.
  uint16_t tls_port() const { return bound_tls_port_; }

  /// Connections open right now (all loops).
  std::size_t open_connections() const;

  /// Connections each event loop serves (or is being handed), by loop; empty before
  /// `start()` and after `stop()`.
  std::vector<std::size_t> connections_per_loop() const;

  /// Connections with no request in progress (the ones `max_connections` may replace),
  /// all loops.
  std::size_t idle_connections() const;

private:
  /// Creates, binds and listens on `port`; returns the fd or -1 with `error` set, and
  /// the bound port in `bound`.
  int open_listener(uint16_t port, uint16_t& bound, std::string& error);
  /// `start()` once the listeners and TLS context are in `shared_`.
  std::string start_loops();

  request_handler handler_;
  http_server_settings settings_;
  std::unique_ptr<http_loop_shared> shared_;
  std::vector<std::unique_ptr<http_loop>> loops_;
  std::vector<std::thread> threads_;
  uint16_t bound_port_ = 0;
  uint16_t bound_tls_port_ = 0;
  bool started_ = false;
};

} // namespace onevalue
