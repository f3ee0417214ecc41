#pragma once

#include "actors/core/consensus_register.hpp"

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace onevalue {

/// Tuning of a consensus proposer. When these become config options, each option's
/// documentation repeats the trade-off written here.
struct consensus_settings {
  /// How long one phase (prepare or accept) waits for a majority of voters before the
  /// proposer retries with a higher ballot. Several round trips plus an fsync on the
  /// voters: lower retries sooner after a lost message or a dead voter, too low retries
  /// rounds that were about to succeed (each retry costs another round).
  std::chrono::milliseconds round_timeout{200};
  /// How long an operation may take in all. When it runs out the operation is answered
  /// `unknown` if a proposal holding it left this node (it may still take effect),
  /// else `unavailable`. Lower answers clients sooner when voters are unreachable, and
  /// turns more slow commits into `unknown`.
  std::chrono::milliseconds operation_timeout{2000};
  /// Bounds of the random wait before retrying after losing to a higher ballot: the
  /// first retry waits up to `retry_backoff_min`, each further one up to twice as long,
  /// at most `retry_backoff_max`. Randomness breaks duels between proposers; a higher
  /// maximum settles a duel sooner and delays the loser more.
  std::chrono::milliseconds retry_backoff_min{2};
  std::chrono::milliseconds retry_backoff_max{64};
  /// Most operations folded into one proposal. A batch is applied in one state change
  /// whatever its size (only the resulting state travels), so this bounds the work and
  /// memory of one round, not its messages.
  std::size_t max_batch_operations = 4096;
  /// Longest wait, after a batch of several operations was answered, for those clients'
  /// next operations before the next round starts (at most twice as long as the round
  /// just finished took; 0 = start at once). Without it, the clients that queued during a
  /// round start the next one alone and the answered ones wait a whole round for the one
  /// after: closed-loop clients settle into two halves that alternate, and every round
  /// (its messages, and an fdatasync on each voter) carries half of them. The wait ends
  /// as soon as the answered operations' count has arrived on top of those queued, so a
  /// lone client never waits; it costs up to this much latency when fewer clients come
  /// back than were answered.
  std::chrono::microseconds batch_gather{2000};
  /// Thrifty accepts (consensus_fanout.hpp): each accept goes first to a majority of
  /// voters, those that granted this proposer's requests most recently (this node
  /// first until then, if it is a voter), and to the other voters only when that
  /// majority has not answered within the widening wait below or a refusal means it
  /// cannot. The voters left out save an fdatasync, a reply and their CPU per round;
  /// with 3 voters on one 2-vCPU VM, three interleaved runs measured 32 clients' median
  /// writes/s +12 %, -2 % and +18 %, one client's +30 %, +8 % and +18 %
  /// (tests/bench/README.md, session 28). The cost: a voter of the
  /// first majority that fails delays the round in flight by the widening wait, and the
  /// voters outside it lag behind (a later prepare finds the majority's newer state, as
  /// Paxos needs). false sends every accept to every voter at once. A node without a
  /// data dir turns it off (node_consensus_settings): voters without one keep their
  /// promises in memory, and a restarted voter of the first majority, empty, with a
  /// voter that was left out could form a majority that lacks the newest value; with
  /// every voter asked, that takes a majority of restarts (README, Durability).
  bool thrifty_accepts = true;
  /// Bounds of the widening wait: twice the smoothed time of the proposer's accept
  /// phases, at least `accept_widen_min` and at most `accept_widen_max` (below the
  /// round timeout). A higher minimum widens fewer rounds that are merely slow (a
  /// widened round costs the other voters what every round cost without thrifty
  /// accepts); a lower maximum bounds the delay that a failed voter of the first
  /// majority adds to the round in flight.
  std::chrono::microseconds accept_widen_min{500};
  std::chrono::microseconds accept_widen_max{20000};
  /// With thrifty accepts, every this-many-th accept goes to every voter at once, and
  /// the voters that answer it first are asked first from then on: a voter that fell
  /// out of the first majority (a stall of its disk) gets back in within this many
  /// rounds. Lower re-ranks sooner; each such round costs what every round cost without
  /// thrifty accepts.
  std::size_t full_accept_every = 100;
  /// Most operations waiting for the round in flight; more are answered `unavailable`
  /// at once (back-pressure instead of unbounded memory).
  std::size_t max_queued_operations = 65536;
  /// How many proposers' records a state keeps (1..max_tracked_proposers):
  /// at least the number of nodes that propose, or a retried batch whose record was
  /// evicted ends `unknown`. Each record adds up to 89 bytes (~30 with short node
  /// names) to every accept and promise.
  std::size_t tracked_proposers = max_tracked_proposers;
};

/// The settings of a node's proposer: operations end (unknown or unavailable) 200 ms
/// before the node's HTTP `request_timeout`, so the client hears why instead of a bare
/// timeout; thrifty accepts only on a node with a data dir (see thrifty_accepts).
consensus_settings node_consensus_settings(std::chrono::milliseconds request_timeout,
                                           bool has_data_dir);

/// Returns nullopt if `settings` are usable, else what is wrong.
std::optional<std::string>
validate_consensus_settings(const consensus_settings& settings);

/// Returns nullopt if `voters` is a usable voter list (1..7 distinct non-empty node
/// names of at most 64 bytes, an odd number), else what is wrong.
std::optional<std::string> validate_voters(const std::vector<std::string>& voters);

} // namespace onevalue
