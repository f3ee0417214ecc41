#pragma once

// How the HTTP event loops share out the connections they accept.
//
// The loops share the listening sockets (EPOLLEXCLUSIVE), and the loop that wakes
// accepts everything waiting, so a client that opens its whole pool at once (wrk, a
// connection pool) would land on one loop and leave the others idle. Instead the loop
// that accepts a connection gives it to the loop serving the fewest connections:
// itself, or another one through that loop's handoff queue, which wakes it.

#include "http/server/completion_inbox.hpp"

#include <atomic>
#include <chrono>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace onevalue {

/// A socket accepted and admitted (limits counted) by one loop, on its way to the loop
/// that will serve it.
struct accepted_socket {
  int fd = -1;
  /// The source address as counted in the client limiter (see `client_key`).
  std::string client;
  /// From the HTTPS listener.
  bool tls = false;
  /// When it was accepted: its request-header (and TLS handshake) timeout counts from
  /// here, time in a handoff queue included.
  std::chrono::steady_clock::time_point accepted_at;
  /// Admitted at `max_connections` on the promise that the receiving loop first closes
  /// its longest-idle connection (the accepting loop had none idle); if that loop has
  /// none idle either by then, the socket gets the limit's 503.
  bool evict_first = false;
};

/// One loop's queue of sockets handed to it by other loops, and its load. Shared
/// (`shared_ptr`) by the loop and the server's table of loops. Thread-safe.
class connection_handoff {
public:
  /// `wake` is the owning loop's inbox, woken when a socket is queued.
  explicit connection_handoff(std::shared_ptr<completion_inbox> wake);

  /// Moves `s` into the owning loop's queue and wakes the loop; false if the loop stopped
  /// taking sockets, and then `s` is left untouched, the caller's to serve or close.
  bool offer(accepted_socket& s);

  /// Owning loop: takes everything queued so far, oldest first.
  std::vector<accepted_socket> take();

  /// Owning loop, when it starts draining: refuses later offers (the accepting loop
  /// then serves those itself) and returns what is still queued (for the loop to close).
  std::vector<accepted_socket> close();

  /// Connections the loop serves or that are on their way to it: raised by whichever
  /// loop assigns one to it, lowered by the owning loop when one closes.
  std::atomic<std::size_t> load{0};

  /// Idle connections of the loop (no request in progress, nothing buffered): a loop
  /// at `max_connections` with none idle of its own sends a new connection to a loop
  /// with some, which closes its longest-idle one to make room. Kept by the owning loop.
  std::atomic<std::size_t> idle{0};

private:
  std::shared_ptr<completion_inbox> wake_;
  std::mutex mutex_;
  std::vector<accepted_socket> queued_;
  bool closed_ = false;
};

/// The loop a new connection goes to: the one with the smallest load, `self` (the
/// loop that accepted it) when it is among the smallest, else the first of them. No
/// loads at all: `self`.
std::size_t pick_loop(const std::vector<std::size_t>& loads, std::size_t self);

} // namespace onevalue
