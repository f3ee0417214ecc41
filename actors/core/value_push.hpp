#pragma once

// Who gets a newly accepted value or member update at once, before any gossip tick:
// the rules gossip_core follows. Pure: no I/O.

#include "actors/core/wire.hpp"

#include <cstddef>
#include <string>

namespace onevalue {

/// A value written on this node goes straight to every live member while there are at
/// most this many: one datagram each (~60 B, so at most ~4 KB per pushed write; a burst
/// of writes is one push), and no member waits for a second hop or for periodic gossip.
/// With 3 random targets per hop, ~1 write in 4 left one of 10 members to the 200 ms
/// gossip tick, and 50 real nodes on 2 cores took 58 ms (p50) / 267 ms (p99) to reach
/// all (issue 6). Larger clusters push to `gossip-nodes` random members, who forward
/// it likewise (an epidemic, O(log N) hops).
constexpr std::size_t push_to_all_limit = 64;

/// Where an accepted value is pushed at once.
enum class push_scope {
  /// Nowhere: in a small cluster its writer already sent it to everyone (a datagram
  /// lost on the way is made up by the periodic gossip of the broadcast queue).
  none,
  /// Every live member.
  all,
  /// `gossip-nodes` random live members.
  random,
};

/// The push for a value this node accepted, with `live_peers` live members besides
/// itself; `written_here` if this node is the value's writer.
push_scope value_push_scope(std::size_t live_peers, bool written_here);

/// The push for a member update this node queued (it also stays in the broadcast
/// queue): this node's own leave goes to every live member, since the process exits
/// shortly after (each such push carries just the leave, outside the queue's retransmit
/// budget, which is smaller than most clusters); anything else goes, with the queue and
/// counting against its budget, to `gossip-nodes` random live members, so that a
/// suspicion or refutation starts spreading at once instead of at the next gossip tick.
push_scope member_push_scope(const member_update& update, const std::string& self_name);

/// How many of `live_peers` live members a push of `scope` goes to: none, all of them,
/// or `gossip_nodes` (at most all of them).
std::size_t push_count(push_scope scope, std::size_t live_peers, int gossip_nodes);

} // namespace onevalue
