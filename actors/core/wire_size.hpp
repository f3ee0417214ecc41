#pragma once

// How many bytes a datagram and each item piggybacked on it take on the wire: the one
// place packet assembly (broadcast_queue, gossip_core) and the simulator's byte counts
// get sizes from. Today these are upper estimates of CAF's binary serializer; once the
// own wire codec (actors/core/wire_codec.*) lands, `sizes` in wire_size.cpp points at its
// exact encoded sizes instead.

#include "actors/core/wire.hpp"

#include <cstddef>
#include <vector>

namespace onevalue {

/// Encoded size of `p`: header, sender, SWIM message and the items it carries.
std::size_t wire_size(const packet& p);

/// What adding `u` to a packet's member updates adds to its encoded size.
std::size_t wire_size(const member_update& u);

/// What adding `v` to a packet's values adds to its encoded size.
std::size_t wire_size(const versioned_value& v);

/// Encoded size of a push-pull's state: a member table and the value (the sender's name
/// and the message header are left out).
std::size_t wire_size(const std::vector<member_info>& table, const versioned_value& v);

} // namespace onevalue
