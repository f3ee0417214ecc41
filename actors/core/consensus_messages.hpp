#pragma once

// The messages of the CASPaxos register between proposers (any node) and acceptors
// (the voters). They travel over the authenticated cluster transport, which tells the
// receiver the sender's node name; consensus_codec.hpp encodes them with bounded sizes.
//
//   proposer                       acceptor
//      │── prepare(b) ────────────────▶│  promise b unless it saw a higher ballot
//      │◀──────────── promise(b, a, s) ─│  a, s: its accepted ballot and state
//      │── accept(b, s', next) ───────▶│  accept unless it promised a higher ballot;
//      │◀──────────── accepted(b, p) ──│  with `next`, also promise b+1 (p: it did)
//      │◀──────────── reject(b, seen) ──│  instead of either answer
//
// An acceptor answers only once the state the answer reflects is durable.

#include "actors/core/consensus_ballot.hpp"
#include "actors/core/consensus_register.hpp"

#include <optional>
#include <string>
#include <variant>

namespace onevalue {

/// Phase 1a: a proposer asks for a promise to ignore ballots below `ballot`.
struct prepare_message {
  ballot b;
};

/// Phase 1b: the acceptor promised `b`; it reports what it accepted last.
struct promise_message {
  ballot b;
  /// The highest ballot the acceptor accepted, none() if it never accepted anything.
  ballot accepted;
  /// The state accepted at `accepted`; meaningless when `accepted.none()`.
  register_state state;
};

/// Phase 2a: a proposer asks to accept `state` at `b`. With `promise_next` the
/// acceptor also promises the proposer's next ballot (b.successor()), so the proposer
/// can skip phase 1 for its next change: the one-round-trip optimisation.
struct accept_message {
  ballot b;
  register_state state;
  bool promise_next = true;
};

/// Phase 2b: the acceptor accepted `b`; `promised_next` says it also promised the
/// next ballot (it may not, when it answers a duplicate after promising higher).
struct accepted_message {
  ballot b;
  bool promised_next = false;
};

/// Which request a reject answers.
enum class consensus_phase : uint8_t { prepare, accept };

/// The acceptor refused ballot `b`: it promised or accepted `seen`, which is higher
/// (or equal, for a prepare it already answered).
struct reject_message {
  ballot b;
  consensus_phase phase = consensus_phase::prepare;
  ballot seen;
};

/// Any consensus message.
using consensus_message = std::variant<prepare_message, promise_message, accept_message,
                                       accepted_message, reject_message>;

/// A message to send to the node named `to`.
struct consensus_send {
  std::string to;
  consensus_message message;
};

} // namespace onevalue
