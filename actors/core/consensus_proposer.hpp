#pragma once

// The proposer of the CASPaxos register (Rystsov, 2018) as a pure state machine:
// operations and replies in; messages, answers and chosen states out; deadlines
// reported through next_deadline() and run by tick(now). Any node runs one, voter or
// not; the voters run an acceptor each (consensus_acceptor.hpp).
//
//          submit ──▶ queued ──(no round in flight)──▶ batch
//                                                        │
//        ┌──── fast path: the last round's accept also ──┤ cold: prepare(b) to all
//        │     got a promise of b+1 from a majority      ▼ voters; a majority promises
//        │                                           preparing ──▶ base = the state
//        ▼                                               │        accepted at the
//   accepting: accept(b, f(base), next) ◀────────────────┘        highest ballot
//        │ to a majority first, to every voter if it is slow (consensus_fanout.hpp)
//        │ majority accepted: chosen; answer every op; the promises of b+1 make the
//        │ next batch skip prepare (one round trip per batch)
//        ▼
//   idle / next batch     a majority refused, or no majority in round_timeout:
//                         backing_off (random wait) ──▶ preparing at a higher ballot
//
// Operations that arrive while a round is in flight wait and form the next batch,
// which is folded into one change (consensus_batch.hpp); each is answered with its own
// result. After a batch of several operations the proposer gathers (briefly, see
// consensus_settings::batch_gather) until the clients it answered are back, on top of
// those that queued during the round, so closed-loop clients commit together in one
// round instead of two alternating halves. Answers: ok and failed once chosen; unknown or
// unavailable when the operation's deadline passes (see operation_status).

#include "actors/core/consensus_batch.hpp"
#include "actors/core/consensus_fanout.hpp"
#include "actors/core/consensus_messages.hpp"
#include "actors/core/consensus_settings.hpp"

#include <cstdint>
#include <deque>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

namespace onevalue {

/// One proposal as it left: for the log and for the simulator's checks.
struct proposal_record {
  ballot b;
  /// The batch it commits (per epoch).
  uint64_t batch = 0;
  /// The state it builds on: a prepare quorum's highest, or the last chosen state.
  register_state base;
  register_state proposed;
  /// The operations applied to `base` to get `proposed`, with their results; empty if
  /// `proposed == base` because the batch was already in `base` (or was given up).
  batch_evaluation evaluation;
};

/// A batch a majority of voters accepted (for the adapter's metrics).
struct committed_batch {
  /// Operations the commit answered (not those of the batch already answered
  /// `unknown` or `unavailable` at their deadline).
  std::size_t operations = 0;
  /// From the batch's first prepare or accept to the accept that made a majority,
  /// retries included (by the times the adapter passed in).
  time_point::duration took{};
};

/// What the proposer asks its adapter to do.
struct proposer_actions {
  std::vector<consensus_send> sends;
  /// Answers to operations, each exactly once.
  std::vector<operation_done> done;
  /// A state a majority of voters accepted, so chosen: the adapter merges its value into
  /// the store, whose gossip spreads it (its version is ordered like the ballots).
  std::optional<register_state> chosen;
  std::optional<proposal_record> proposed;
  /// Set when `chosen` is this proposer's batch: its size and duration.
  std::optional<committed_batch> committed;
  /// Attempts (a prepare or an accept phase) that failed here: lost to a higher ballot,
  /// answered with malformed states, or no majority within the round timeout. Each is
  /// normally retried with a higher ballot after the backoff.
  unsigned failed_attempts = 0;
  /// Accepts sent on to the voters outside the first majority asked (thrifty accepts,
  /// consensus_fanout.hpp): it was silent past the widening wait, or a refusal left it
  /// unable to decide.
  unsigned widened_accepts = 0;
  /// Decisions worth a log line, with their reason.
  std::vector<std::string> notes;
};

/// A node's proposer for the one register.
///
/// Owned by the consensus adapter of a node and touched only from it (or from one test
/// thread). Invariants (see `check_invariants`): a batch exists exactly when a round is
/// in flight or waiting to retry; operations queue only behind a batch; the fast-path
/// lease exists only between batches; no ballot is ever used for two proposals.
class consensus_proposer {
public:
  /// A proposer for `self` talking to `voters` (see validate_voters). `initial` is the
  /// state every node starts from (initial_register_state); `random_seed` drives the
  /// retry jitter. Throws std::invalid_argument on invalid voters or settings.
  consensus_proposer(proposer_identity self, std::vector<std::string> voters,
                     register_state initial, consensus_settings settings,
                     uint64_t random_seed);

  /// Queues operation `id`; starts a round at once if none is in flight. A full queue
  /// answers it `unavailable` at once.
  proposer_actions submit(uint64_t id, const operation& op, time_point now);

  /// A reply from the voter `from` (authenticated by the transport). Stale, duplicate
  /// and unexpected messages are ignored.
  proposer_actions handle_reply(const std::string& from, const consensus_message& msg,
                                time_point now);

  /// Runs what is due at `now`: operation deadlines, round timeouts, retries.
  proposer_actions tick(time_point now);

  /// The earliest time at which `tick` has something to do; time_point::max() if none.
  time_point next_deadline() const;

  /// True if the next batch can skip the prepare phase.
  bool has_fast_path() const { return lease_.has_value(); }

  /// Operations waiting for the next batch.
  std::size_t queued() const { return pending_.size(); }

  const proposer_identity& self() const { return self_; }

  /// Returns an empty string if all invariants hold, else the first broken one.
  std::string check_invariants() const;

private:
  enum class phase { idle, gathering, backing_off, preparing, accepting };

  /// One attempt of one phase at one ballot.
  struct round {
    ballot b;
    time_point deadline;
    std::set<std::string> granted;
    std::set<std::string> refused;
    /// prepare: the highest accepted ballot reported, and its state.
    ballot highest;
    register_state highest_state;
    /// accept: the proposed state and how many also promised the next ballot.
    register_state proposal;
    std::size_t promised_next = 0;
    /// accept: when it started, the voters asked, and whether every voter was asked
    /// (else the others are at `widen_at`, see consensus_fanout.hpp). A prepare goes
    /// to every voter, so it counts as widened.
    time_point started;
    std::set<std::string> asked;
    bool widened = true;
    time_point widen_at;
  };

  /// The fast path: a majority promised `b`, and `state` is what was chosen last.
  struct lease {
    ballot b;
    register_state state;
  };

  // -- rounds (consensus_proposer_rounds.cpp) --
  void on_promise(const std::string& from, const promise_message& msg, time_point now,
                  proposer_actions& out);
  void on_accepted(const std::string& from, const accepted_message& msg, time_point now,
                   proposer_actions& out);
  void on_reject(const std::string& from, const reject_message& msg, time_point now,
                 proposer_actions& out);
  void start_prepare(time_point now, proposer_actions& out);
  void start_accept(const ballot& b, const register_state& base, time_point now,
                    proposer_actions& out);
  void attempt_failed(const std::string& why, time_point now, proposer_actions& out);
  /// Sends the accept in flight to voter `to` and counts it as asked.
  void send_accept(const std::string& to, proposer_actions& out);
  /// Sends the accept in flight to the voters not asked yet.
  void widen(const std::string& why, proposer_actions& out);
  /// True if the voters asked for the accept in flight can no longer make a majority.
  bool asked_cannot_decide() const;
  std::optional<ballot> next_ballot() const;
  void note_counter(uint64_t counter);

  // -- batches (consensus_proposer.cpp) --
  void start_batch(time_point now, proposer_actions& out);
  /// After a batch of `answered` operations that took since `batch_started_`: starts the
  /// next batch, or gathers for it (see batch_gather).
  void after_batch(std::size_t answered, time_point now, proposer_actions& out);
  void give_up(const std::string& why, proposer_actions& out);
  bool is_voter(const std::string& name) const;
  std::size_t quorum() const { return quorum_size(voters_.size()); }

  proposer_identity self_;
  std::vector<std::string> voters_;
  register_state initial_;
  consensus_settings settings_;
  std::mt19937_64 rng_;
  accept_fanout fanout_;

  phase phase_ = phase::idle;
  std::deque<queued_operation> pending_;
  std::optional<operation_batch> batch_;
  std::optional<round> round_;
  std::optional<lease> lease_;
  time_point retry_at_;
  /// When the batch in flight started (its first attempt).
  time_point batch_started_;
  /// While gathering: start the next batch once `gather_target_` operations are queued,
  /// or at `gather_until_`.
  time_point gather_until_;
  std::size_t gather_target_ = 0;
  /// Consecutive failed attempts: the backoff doubles with each.
  unsigned failures_ = 0;
  uint64_t batch_seq_ = 0;
  /// Numbers every evaluation of a batch (see consensus_batch.hpp).
  uint64_t attempt_counter_ = 0;
  /// The highest ballot this proposer used (for a prepare or an accept).
  ballot last_ballot_;
  /// The highest ballot counter any voter reported.
  uint64_t highest_counter_seen_ = 0;
};

} // namespace onevalue
