#pragma once

#include <caf/actor.hpp>
#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/blocking_actor.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

namespace onevalue {

/// A connected socket on its way from a `tcp_connector` to its broker, in a message.
///
/// The descriptor is owned by the copies of this handle together: when the last copy is
/// destroyed the descriptor is closed, unless `release()` took it first. A message that
/// never reaches its handler (the broker quit before the connector sent it, or quit with
/// it still in its mailbox) is destroyed with its handle, so its socket is closed instead
/// of leaking. Copies share one owner; `release()` on any copy takes the descriptor for
/// all. Created on the connector's thread, then touched only by the broker that
/// receives it (or by whichever thread drops the last message holding it).
class dialed_socket {
public:
  /// No descriptor: the connect failed.
  dialed_socket() = default;

  /// Takes ownership of `fd` (a negative `fd` is no descriptor).
  explicit dialed_socket(int fd);

  /// The descriptor, now owned by the caller; -1 if there is none or it was taken.
  int release() const;

  /// Whether a descriptor is held (not yet released).
  [[nodiscard]] bool holds() const;

private:
  struct owner;
  std::shared_ptr<owner> owner_;
};

/// Connects one TCP socket with a deadline, off the middleman's I/O thread.
///
/// CAF 0.17's `add_tcp_scribe(host, port)` connects blocking on the multiplexer thread:
/// a blackholed peer would stall all I/O, UDP included, for minutes (CAF-NOTES §3).
/// This actor is spawned detached (its own thread) per connect: it resolves `host`,
/// connects without blocking and polls until the socket is connected, `timeout` passed,
/// or a message (e.g. the exit of `broker`, to which it links) arrives. Then it sends
/// `broker` `(dialed_atom, id, dialed_socket, std::string error)`: a connected,
/// non-blocking descriptor that the broker takes with `release()` (then `add_scribe`)
/// and an empty error, or no descriptor and why not. If the broker is gone by then the
/// message is dropped and the descriptor closed with it (see `dialed_socket`).
void tcp_connector(caf::blocking_actor* self, caf::actor broker, uint64_t id,
                   std::string host, uint16_t port, std::chrono::milliseconds timeout);

} // namespace onevalue

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(onevalue::dialed_socket)
