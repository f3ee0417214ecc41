#pragma once

// The acceptor of the CASPaxos register (one per voter) as a pure state machine:
// messages in, replies and "persist this" out. No I/O: the adapter writes the state
// (sharing the fsync with the store's group commit if it likes) and reports back.
//
//   message ──▶ state changes in memory ──▶ persist(seq, state) ──▶ adapter writes
//                       │                                              │
//                       └─ reply waits for seq ◀── on_persisted(seq) ──┘ ──▶ reply sent
//
// A reply is released only once a state at least as new as the one it was computed
// from is durable, so an acceptor that crashes and reloads its last saved state never
// contradicts an answer it gave. At most one persist is in flight; changes made
// meanwhile share the next one (group commit).

#include "actors/core/consensus_messages.hpp"

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <vector>

namespace onevalue {

/// What an acceptor must remember across restarts.
struct acceptor_state {
  /// The highest ballot promised; never below `accepted`.
  ballot promised;
  /// The ballot of the last accepted state; none() if nothing was accepted yet.
  ballot accepted;
  /// The state accepted at `accepted`.
  register_state state;
};

inline bool operator==(const acceptor_state& a, const acceptor_state& b) {
  return a.promised == b.promised && a.accepted == b.accepted && a.state == b.state;
}

/// A request to make `state` durable; answer with `on_persisted(seq)` or
/// `on_persist_failed(seq)`.
struct acceptor_persist {
  uint64_t seq = 0;
  acceptor_state state;
};

/// What the acceptor asks its adapter to do.
struct acceptor_actions {
  std::optional<acceptor_persist> persist;
  std::vector<consensus_send> replies;
  /// Decisions worth a log line (e.g. a message refused as malformed).
  std::vector<std::string> notes;
};

/// One voter's acceptor.
///
/// Owned by the consensus adapter of a voter node and touched only from it (or from one
/// test thread). Invariants (see `check_invariants`): `promised >= accepted`; the durable
/// sequence number never passes the in-memory one; every waiting reply waits for a
/// sequence number not yet durable.
class consensus_acceptor {
public:
  /// Starts from `restored` (what was loaded from disk; a default state for a new
  /// voter). The restored state counts as durable.
  explicit consensus_acceptor(acceptor_state restored = {});

  /// Handles a prepare or accept from the node `from` (authenticated by the transport).
  /// A message whose ballot names another proposer than `from`, a reply-type message or
  /// a malformed state is refused with a note and no answer.
  acceptor_actions handle(const std::string& from, const consensus_message& msg);

  /// The persist `seq` succeeded: releases the replies it covers, and asks to persist
  /// again if the state changed meanwhile.
  acceptor_actions on_persisted(uint64_t seq);

  /// The persist `seq` failed: the replies waiting for it are dropped (their proposers
  /// time out and retry); the newer in-memory state is persisted with the next change.
  acceptor_actions on_persist_failed(uint64_t seq);

  /// The state in memory (possibly not yet durable).
  const acceptor_state& state() const { return state_; }

  /// True while a persist is in flight.
  bool persisting() const { return in_flight_.has_value(); }

  /// Returns an empty string if all invariants hold, else the first broken one.
  std::string check_invariants() const;

private:
  struct waiting_reply {
    uint64_t needs_seq;
    consensus_send send;
  };

  consensus_message on_prepare(const prepare_message& msg);
  consensus_message on_accept(const accept_message& msg);
  /// Queues `reply` to `to` behind the current state, or releases it at once if that
  /// state is durable; starts a persist if needed.
  void answer(const std::string& to, consensus_message reply, acceptor_actions& out);
  void release(acceptor_actions& out);
  void maybe_persist(acceptor_actions& out);
  void changed() { ++state_seq_; }

  acceptor_state state_;
  /// Sequence number of the in-memory state (raised by every change).
  uint64_t state_seq_ = 0;
  /// Sequence number of the newest state known to be durable.
  uint64_t durable_seq_ = 0;
  std::optional<uint64_t> in_flight_;
  std::deque<waiting_reply> waiting_;
};

} // namespace onevalue
