#pragma once

// What the SWIM core (membership_core.hpp) asks its adapter to do after an event, and
// what it answers an operator's force-leave: datagrams to send, member events, a name
// conflict, the table changes the gossip side replicates.

#include "actors/core/endpoint.hpp"
#include "actors/core/member.hpp"
#include "actors/core/wire.hpp"

#include <optional>
#include <string>
#include <vector>

namespace onevalue {

/// A SWIM message to send to `to`.
struct outgoing_message {
  endpoint to;
  swim_message msg;
  /// Updates that must travel in this very datagram, ahead of the broadcast queue's:
  /// a ping to a member we hold as suspect carries that suspicion (Lifeguard's buddy
  /// system), so the suspect learns of it at once and can refute, instead of waiting
  /// for random gossip to reach it.
  std::vector<member_update> attached = {};
};

/// A member's state change, for the log and for metrics.
struct member_event {
  std::string name;
  std::optional<member_state> from; ///< nothing if the member is new
  member_state to = member_state::alive;
  uint64_t incarnation = 0;
  std::string reason;
};

/// Another live node holds this node's name: this node refuses to take part.
struct name_conflict {
  std::string name;
  /// This node's address, and the address of the node that holds the name.
  endpoint ours;
  endpoint theirs;
  /// What to tell the operator: both addresses and what to do.
  std::string message;
};

/// What the core asks its adapter to do after an event.
struct swim_actions {
  std::vector<outgoing_message> sends;
  std::vector<member_update> broadcasts;
  std::vector<endpoint> push_pulls;
  std::vector<member_event> events;
  std::vector<std::string> notes; ///< decisions worth a log line (e.g. join retries)
  /// Problems worth an error line (e.g. another node claims this node's name).
  std::vector<std::string> errors;
  /// Set once, when this node learns that its name belongs to another live node and it
  /// stops taking part: the adapter must stop the node with an error (never announce
  /// a leave: the name's `left` would eject the node that holds it).
  std::optional<name_conflict> conflict;
  /// Every change to the member table, in the order made: the gossip side keeps its
  /// replica of the table with these (`member_table::apply`).
  std::vector<member_delta> changes;
  bool members_changed = false;
};

/// What `membership_core::force_leave` did with the member it was asked about.
enum class force_leave_status : uint8_t {
  /// The member was failed and is now left; the change is broadcast.
  left,
  /// The member had already left; nothing changed.
  already_left,
  /// No member of that name is in the table (never known, or reaped already).
  unknown,
  /// The member is alive or suspect: it may still answer, so it is not forced out (it
  /// would refute a forced leave at once anyway). Nothing changed.
  not_failed,
  /// The name is this node's own; a node leaves by being stopped (SIGTERM).
  self,
};

/// "left", "already_left", "unknown", "not_failed" or "self".
const char* to_string(force_leave_status status);

/// The outcome of `membership_core::force_leave`.
struct force_leave_result {
  force_leave_status status = force_leave_status::unknown;
  swim_actions actions;
};

} // namespace onevalue
