#pragma once

#include <caf/actor.hpp>
#include <caf/blocking_actor.hpp>

#include <chrono>
#include <cstdint>
#include <string>

namespace onevalue {

/// Connects one TCP socket with a deadline, off the middleman's I/O thread.
///
/// CAF 0.17's `add_tcp_scribe(host, port)` connects blocking on the multiplexer thread:
/// a blackholed peer would stall all I/O, UDP included, for minutes (CAF-NOTES §3).
/// This actor is spawned detached (its own thread) per connect: it resolves `host`,
/// connects without blocking and polls until the socket is connected, `timeout` passed,
/// or a message (e.g. the exit of `broker`, to which it links) arrives. Then it sends
/// `broker` `(dialed_atom, id, int fd, std::string error)`: a connected, non-blocking
/// descriptor that the broker now owns (`add_scribe(fd)`) and an empty error, or -1 and
/// why not. It never touches the descriptor after sending it.
void tcp_connector(caf::blocking_actor* self, caf::actor broker, uint64_t id,
                   std::string host, uint16_t port, std::chrono::milliseconds timeout);

} // namespace onevalue
