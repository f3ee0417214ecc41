#pragma once

#include <caf/actor.hpp>
#include <caf/behavior.hpp>
#include <caf/io/broker.hpp>

namespace onevalue {

/// The datagram transport: a middleman broker that owns the node's UDP endpoint.
///
/// Spawned with `middleman().spawn_broker(udp_transport, owner)` and run on the
/// middleman's I/O thread, so its handlers only copy bytes: decoding happens in the
/// owner. Messages:
/// - `(open_atom, std::string bind, uint16_t port) -> uint16_t`: binds the local
///   endpoint (reusing the address); an error if the port is taken.
/// - `(send_atom, std::string host, uint16_t port, std::vector<char> bytes)`: sends one
///   datagram. Unknown hosts and closed ports fail silently, as SWIM expects of a
///   dead peer; a peer endpoint that cannot be created is logged and skipped.
/// - every datagram received goes to `owner` as `(packet_atom, std::vector<char>)`.
caf::behavior udp_transport(caf::io::broker* self, caf::actor owner);

} // namespace onevalue
